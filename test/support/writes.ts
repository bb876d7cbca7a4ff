/**
 * Requests that change the helpdesk. Custom object records are searched with POST (Zendesk's
 * filtered search takes its filter as a body), which reads: a test that counts writes must not
 * count it.
 */
export const isWrite = (r: { method: string; path: string }): boolean => r.method !== 'GET' && !r.path.split('?')[0]!.endsWith('/search');
