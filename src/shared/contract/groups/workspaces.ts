import { z } from 'zod';
import { op } from '../define';
import { emptyInput, workspaceId } from '../../schemas/common';
import { ConnectionTestResult, Workspace, WorkspaceCreateInput, WorkspaceTestInput, WorkspaceUpdateInput } from '../../schemas/workspace';

export const workspaceOperations = {
  'workspaces.list': op({
    input: emptyInput,
    output: z.object({ workspaces: z.array(Workspace), activeId: workspaceId.nullable() }).strict(),
    summary: 'All helpdesk connections and the active one',
    example: {},
  }),
  'workspaces.create': op({
    input: WorkspaceCreateInput,
    output: Workspace,
    summary: 'Add a helpdesk connection; the API token goes to the OS keychain',
    example: {
      name: 'Acme support',
      address: { subdomain: 'acme' },
      email: 'dpo@acme.example',
      apiToken: 'abcdefgh12345678',
    },
  }),
  'workspaces.update': op({
    input: WorkspaceUpdateInput,
    output: Workspace,
    summary: 'Rename a connection or change its address, agent or token (a new address or agent needs the token again)',
    example: { id: 'ws_abcdefgh12', name: 'Acme EU' },
  }),
  'workspaces.remove': op({
    input: z.object({ id: workspaceId }).strict(),
    output: z.object({ removed: z.literal(true) }).strict(),
    summary: 'Forget a connection, its keychain entries and its local cache',
    example: { id: 'ws_abcdefgh12' },
  }),
  'workspaces.select': op({
    input: z.object({ id: workspaceId }).strict(),
    output: Workspace,
    summary: 'Make a connection the active one',
    example: { id: 'ws_abcdefgh12' },
  }),
  'workspaces.testConnection': op({
    input: WorkspaceTestInput,
    output: ConnectionTestResult,
    summary: 'Check that the address and credentials reach the helpdesk, and with which rights',
    example: { id: 'ws_abcdefgh12' },
  }),
  'demo.start': op({
    input: emptyInput,
    output: Workspace,
    summary: 'Start the embedded demo helpdesk and connect a workspace to it',
    example: {},
  }),
};
