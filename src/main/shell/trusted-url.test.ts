import { describe, expect, it } from 'vitest';
import { APP_URL, isAppUrl } from './app-origin';
import { isAllowedNavigation, isAllowedRendererRequest, isPermissionAllowed, isTrustedExternalUrl, isTrustedSender } from './trusted-url';

describe('isTrustedExternalUrl', () => {
  it.each(['https://support.zendesk.com/hc/en-us', 'http://example.com/', 'https://example.com:8443/a?b=c#d'])('allows %s', (url) => {
    expect(isTrustedExternalUrl(url)).toBe(true);
  });

  it.each([
    ['file URL', 'file:///etc/passwd'],
    ['UNC via file', 'file://server/share/x.exe'],
    ['smb', 'smb://server/share'],
    ['javascript', 'javascript:alert(1)'],
    ['data', 'data:text/html,<script>alert(1)</script>'],
    ['custom handler', 'ms-msdt:/id PCWDiagnostic'],
    ['another custom scheme', 'zoommtg://zoom.us/join'],
    ['the app itself', 'app://lethe/'],
    ['ftp', 'ftp://example.com/'],
    ['user and password', 'https://user:pw@example.com/'],
    ['user only', 'https://user@example.com/'],
    ['relative', '/help'],
    ['scheme-relative', '//example.com/'],
    ['malformed', 'https://'],
    ['garbage', 'not a url'],
    ['empty', ''],
    ['leading space trick', ' javascript:alert(1)'],
  ])('refuses %s', (_label, url) => {
    expect(isTrustedExternalUrl(url)).toBe(false);
  });

  it.each([undefined, null, 42, {}, ['https://example.com']])('refuses the non-string %j', (value) => {
    expect(isTrustedExternalUrl(value)).toBe(false);
  });
});

describe('isTrustedSender', () => {
  it('trusts the main frame of the app origin', () => {
    expect(isTrustedSender({ url: APP_URL, isMainFrame: true })).toBe(true);
    expect(isTrustedSender({ url: 'app://lethe/subjects/42?x=1', isMainFrame: true })).toBe(true);
  });

  it.each([
    ['a subframe of the app', { url: APP_URL, isMainFrame: false }],
    ['a foreign https page', { url: 'https://evil.example/', isMainFrame: true }],
    ['a foreign app host', { url: 'app://evil/', isMainFrame: true }],
    ['an app host with credentials', { url: 'app://evil@lethe/', isMainFrame: true }],
    ['an app host with a port', { url: 'app://lethe:1/', isMainFrame: true }],
    ['a lookalike host', { url: 'app://lethe.evil/', isMainFrame: true }],
    ['file://', { url: 'file:///work/out/renderer/index.html', isMainFrame: true }],
    ['devtools://', { url: 'devtools://devtools/bundled/devtools_app.html', isMainFrame: true }],
    ['about:blank', { url: 'about:blank', isMainFrame: true }],
    ['a destroyed frame', { url: '', isMainFrame: true }],
  ])('refuses %s', (_label, sender) => {
    expect(isTrustedSender(sender)).toBe(false);
  });

  it('refuses a missing frame', () => {
    expect(isTrustedSender(null)).toBe(false);
    expect(isTrustedSender(undefined)).toBe(false);
  });
});

describe('isAllowedNavigation', () => {
  it('allows only same-origin app routes', () => {
    expect(isAllowedNavigation('app://lethe/requests/7')).toBe(true);
    expect(isAllowedNavigation('https://example.com/')).toBe(false);
    expect(isAllowedNavigation('app://other/')).toBe(false);
    expect(isAllowedNavigation('file:///etc/passwd')).toBe(false);
    expect(isAllowedNavigation('javascript:alert(1)')).toBe(false);
    expect(isAllowedNavigation('about:blank')).toBe(false);
  });
});

describe('isAllowedRendererRequest', () => {
  const packaged = { allowDevtools: false };
  it('allows the app origin, data: and blob: URLs of the app', () => {
    expect(isAllowedRendererRequest('app://lethe/assets/a.js', packaged)).toBe(true);
    expect(isAllowedRendererRequest('data:image/png;base64,AAAA', packaged)).toBe(true);
    expect(isAllowedRendererRequest('blob:app://lethe/4f1c-uuid', packaged)).toBe(true);
  });

  it.each([
    'https://example.com/',
    'http://127.0.0.1:3000/api',
    'ws://127.0.0.1/',
    'wss://example.com/socket',
    'file:///etc/passwd',
    'ftp://example.com/',
    'app://evil/',
    'blob:https://evil.example/uuid',
    'javascript:alert(1)',
    'chrome-extension://abc/x.js',
    'not a url',
  ])('blocks %s', (url) => {
    expect(isAllowedRendererRequest(url, packaged)).toBe(false);
  });

  it('lets devtools:// through only when DevTools are enabled', () => {
    expect(isAllowedRendererRequest('devtools://devtools/bundled/x.js', packaged)).toBe(false);
    expect(isAllowedRendererRequest('devtools://devtools/bundled/x.js', { allowDevtools: true })).toBe(true);
  });
});

describe('isPermissionAllowed', () => {
  it.each(['media', 'notifications', 'geolocation', 'openExternal', 'clipboard-read', 'display-capture', 'midiSysex', 'unknown'])(
    'denies %s even to the app',
    (permission) => {
      expect(isPermissionAllowed(permission, APP_URL)).toBe(false);
    },
  );

  it('allows clipboard writes from the app origin only', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write', 'app://lethe')).toBe(true);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'https://evil.example')).toBe(false);
    expect(isPermissionAllowed('clipboard-sanitized-write', undefined)).toBe(false);
  });
});

describe('isAppUrl', () => {
  it('parses instead of matching substrings', () => {
    expect(isAppUrl('https://evil.example/?app://lethe/')).toBe(false);
    expect(isAppUrl('app://lethe')).toBe(true);
  });
});
