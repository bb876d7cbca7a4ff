import { describe, expect, it } from 'vitest';
import { HelpdeskTransport, resourceOf } from './transport';

describe('HelpdeskTransport URLs', () => {
  const plain = new HelpdeskTransport({ baseUrl: 'https://acme.zendesk.com/', email: 'a@b.c', token: 'secret-token' });
  const prefixed = new HelpdeskTransport({ baseUrl: 'http://user:pw@127.0.0.1:8080/zd/', bearer: 'bearer-token' });

  it('fills templates, encodes parameters and joins id lists', () => {
    const url = plain.urlOf({
      template: '/api/v2/users/{user_id}/identities/{user_identity_id}',
      params: { user_id: 5, user_identity_id: 'a/b' },
      query: { ids: [1, 2, 3], 'page[size]': 100, skip: undefined, flag: true },
    });
    expect(url.href).toBe('https://acme.zendesk.com/api/v2/users/5/identities/a%2Fb?ids=1%2C2%2C3&page%5Bsize%5D=100&flag=true');
  });

  it('moves pagination links onto the base URL, whatever host they name', () => {
    expect(plain.rebase('https://evil.example/api/v2/tickets.json?page[after]=x').href).toBe(
      'https://acme.zendesk.com/api/v2/tickets.json?page[after]=x',
    );
    expect(prefixed.rebase('http://127.0.0.1:8080/zd/api/v2/tickets?page=2').href).toBe('http://127.0.0.1:8080/zd/api/v2/tickets?page=2');
    expect(prefixed.rebase('http://other/api/v2/tickets?page=2').href).toBe('http://127.0.0.1:8080/zd/api/v2/tickets?page=2');
    expect(prefixed.origin).toBe('http://127.0.0.1:8080');
    expect(prefixed.baseUrl.username).toBe('');
  });

  it('names resources from templates', () => {
    expect(resourceOf('/api/v2/users/{user_id}/identities')).toBe('users.identities');
    expect(resourceOf('/api/v2/incremental/tickets/cursor')).toBe('incremental.tickets.cursor');
  });

  it('throws on a missing path parameter', () => {
    expect(() => plain.urlOf({ template: '/api/v2/users/{user_id}' })).toThrow(/user_id/);
  });
});
