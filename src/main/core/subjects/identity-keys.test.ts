import { expect, it } from 'vitest';
import { identityKeysInText, identityValueKey } from './identity-keys';

it('finds addresses case-insensitively and numbers by their digits in any punctuation', () => {
  const keys = identityKeysInText('Reach Ana at Ana.Lopez@Example.COM or (+49) 30123.4567; or +49-301-234-567, ref 12345.');
  expect([...keys].sort()).toEqual(['e:ana.lopez@example.com', 'p:49301234567']);
});

it('does not read the digits of an address as a phone number, and folds the 00 prefix', () => {
  expect([...identityKeysInText('mail joe1234567@example.org')]).toEqual(['e:joe1234567@example.org']);
  expect([...identityKeysInText('0049 30 1234567')].sort()).toEqual(['p:0049301234567', 'p:49301234567']);
});

it('keys identities the same way', () => {
  expect(identityValueKey('email', ' Ana.Lopez@Example.com ')).toBe('e:ana.lopez@example.com');
  expect(identityValueKey('phone_number', '+49 30 1234567')).toBe('p:49301234567');
  expect(identityValueKey('twitter', 'ana')).toBeNull();
});

it('reads numbers alone in a text without an address, and a full-width at sign is not one', () => {
  expect([...identityKeysInText('Call 030 1234 5678 or 0049 30 9876543 tomorrow.')].sort()).toEqual(
    ['p:03012345678', 'p:0049309876543', 'p:49309876543'].sort(),
  );
  expect([...identityKeysInText('ana＠example.com, tel. 020 7946 0018')]).toEqual(['p:02079460018']);
});
