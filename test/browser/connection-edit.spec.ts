import { expect, test } from './fixtures';

const TOKEN = 'zd-browser-test-token-1d3e5f7a9c';
const NEW_TOKEN = 'zd-browser-test-token-2b4d6f8a0e';

test('editing a connection asks for the token again when the address or agent changes, and only then', async ({ page, lethe }) => {
  await page.goto(lethe.url);
  await page.goto(`${lethe.origin}/#/settings`);
  const add = page.getByRole('form', { name: 'Add a helpdesk connection' });
  await add.getByLabel('Connection name').fill('Acme support');
  await add.getByLabel('Subdomain', { exact: true }).fill('acme');
  await add.getByLabel('Agent e-mail').fill('dpo@acme.example');
  await add.getByLabel('API token').fill(TOKEN);
  await add.getByRole('button', { name: 'Save connection' }).click();
  await expect(page.getByRole('cell', { name: 'https://acme.zendesk.com' })).toBeVisible();

  await page.getByRole('button', { name: 'Edit Acme support' }).click();
  const edit = page.getByRole('form', { name: 'Edit Acme support' });
  await expect(edit.getByLabel('Address', { exact: true })).toHaveValue('https://acme.zendesk.com');
  // A rename keeps the stored token: the field may stay empty.
  const token = edit.getByLabel('API token');
  await expect(token).toHaveValue('');
  await expect(token).not.toHaveAttribute('required', '');
  await expect(edit.getByText('Leave empty to keep the stored token')).toBeVisible();

  // A new address: the stored token is not for it, so the form asks for one and will not save without it.
  await edit.getByLabel('Address', { exact: true }).fill('https://acme-eu.zendesk.com');
  await expect(token).toHaveAttribute('required', '');
  await expect(edit.getByRole('status')).toContainText('enter the API token again');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('cell', { name: 'https://acme.zendesk.com' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'https://acme-eu.zendesk.com' })).toHaveCount(0);

  // Back to the old address: no token needed again. Then the new agent e-mail: asked again.
  await edit.getByLabel('Address', { exact: true }).fill('https://acme.zendesk.com');
  await expect(token).not.toHaveAttribute('required', '');
  await edit.getByLabel('Agent e-mail').fill('dpo2@acme.example');
  await expect(token).toHaveAttribute('required', '');

  await edit.getByLabel('Address', { exact: true }).fill('https://acme-eu.zendesk.com');
  await token.fill(NEW_TOKEN);
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('cell', { name: 'https://acme-eu.zendesk.com' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'dpo2@acme.example' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'in keychain' })).toBeVisible();
  // Saved: the form closes, and the token is gone from the page with it.
  await expect(edit).toHaveCount(0);
  expect(await page.content()).not.toContain(NEW_TOKEN);
});
