import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Collection } from '../../../shared/collections';
import { METHOD_NAMES } from '../../../shared/contract';
import { METHOD_ROLES, OWNER, type Principal } from '../../../shared/contract/access';
import type { Transport } from '../../../shared/transport';
import { AddButtons } from '../components/library/AddButtons';
import { CollectionBar } from '../components/library/CollectionBar';
import type { CollectionActions } from './use-collections';
import { queryKeys } from './query-keys';
import { TransportProvider } from './transport-context';
import { AccessProvider, accessFor, principalFromInfo, roleSummary, useCan } from './use-access';

const alice: Principal = { name: 'alice', role: 'viewer' };
const bob: Principal = { name: 'bob', role: 'editor' };

describe('accessFor: the renderer asks the table the dispatcher enforces', () => {
  it('lets a viewer read, search and ask, and nothing that changes the library', () => {
    const { can } = accessFor(alice);
    for (const method of ['library.query', 'chat.send', 'conversations.delete'] as const)
      expect(can(method), method).toBe(true);
    for (const method of [
      'library.add',
      'library.remove',
      'library.retry',
      'library.reindex',
      'library.cancel',
      'collections.create',
      'collections.rename',
      'collections.delete',
      'collections.addDocuments',
      'collections.empty',
      'settings.update',
    ] as const)
      expect(can(method), method).toBe(false);
  });

  it('lets an editor change documents and collections, and none of the owner’s settings', () => {
    const { can } = accessFor(bob);
    for (const method of ['library.add', 'library.remove', 'collections.create'] as const)
      expect(can(method), method).toBe(true);
    for (const method of [
      'settings.update',
      'settings.setApiKey',
      'models.download',
      'models.switch',
      'library.pause',
      'library.rebuildIndex',
      'library.watch',
    ] as const)
      expect(can(method), method).toBe(false);
  });

  it('agrees with the table for every method and every role, the owner allowed everything', () => {
    for (const principal of [alice, bob, OWNER]) {
      const { can } = accessFor(principal);
      for (const method of METHOD_NAMES) {
        const needed = METHOD_ROLES[method];
        const expected =
          principal.role === 'owner' || needed === 'viewer' || needed === principal.role;
        expect(can(method), `${principal.role} ${method}`).toBe(expected);
      }
    }
  });

  it('offers nothing until the core has said who is calling', () => {
    const { can, principal } = accessFor(null);
    expect(principal).toBeNull();
    expect(can('app.info')).toBe(false);
    expect(can('library.remove')).toBe(false);
  });

  it('takes the principal from app.info, and a core from before roles as the owner', () => {
    expect(principalFromInfo(undefined)).toBeNull();
    expect(principalFromInfo({ principal: alice })).toEqual(alice);
    expect(principalFromInfo({})).toEqual(OWNER);
  });
});

describe('roleSummary', () => {
  it('says who the person is and what their role allows', () => {
    expect(roleSummary(alice)).toBe(
      'You are signed in as alice, a viewer: you can read, search and ask, and keep your own conversations.',
    );
    expect(roleSummary(bob)).toMatch(/^You are signed in as bob, an editor: .*add, remove/);
    expect(roleSummary(OWNER)).toMatch(/owner of this Quire: you can change everything/);
  });
});

function withInfo(principal: Principal | null, children: ReactNode): string {
  const client = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity } } });
  if (principal)
    client.setQueryData(queryKeys.app.info(), {
      name: 'Quire',
      version: '0',
      dataDir: '/data',
      transport: 'http',
      offline: true,
      principal,
    });
  return renderToStaticMarkup(
    <QueryClientProvider client={client}>
      <TransportProvider transport={{} as Transport}>
        <AccessProvider>{children}</AccessProvider>
      </TransportProvider>
    </QueryClientProvider>,
  );
}

function Probe() {
  const can = useCan();
  return (
    <output>
      {['library.query', 'library.remove', 'settings.update']
        .map((m) => `${m}=${can(m as never)}`)
        .join(' ')}
    </output>
  );
}

const shelf: Collection = { id: 'c1', name: 'Shelf', createdAt: 0, updatedAt: 0, documentCount: 2 };
const noActions = {} as CollectionActions;
const bar = (
  <CollectionBar
    collections={[shelf]}
    selected="c1"
    onSelect={() => {}}
    shownIds={['d1']}
    actions={noActions}
    chat={null}
    onAddDocuments={() => {}}
  />
);

describe('AccessProvider and the controls that ask it', () => {
  it('answers from app.info, and nothing while it has not arrived', () => {
    expect(withInfo(alice, <Probe />)).toContain(
      'library.query=true library.remove=false settings.update=false',
    );
    expect(withInfo(bob, <Probe />)).toContain(
      'library.query=true library.remove=true settings.update=false',
    );
    expect(withInfo(null, <Probe />)).toContain(
      'library.query=false library.remove=false settings.update=false',
    );
  });

  it('shows a viewer the collection filter but no way to change a collection', () => {
    const viewer = withInfo(alice, bar);
    expect(viewer).toContain('Show collection');
    for (const label of ['New collection', 'Add documents', 'Rename', 'Empty', 'Delete'])
      expect(viewer, label).not.toContain(label);
    const editor = withInfo(bob, bar);
    for (const label of ['New collection', 'Add documents', 'Rename', 'Empty', 'Delete'])
      expect(editor, label).toContain(label);
  });

  it('leaves the add buttons out for a viewer', () => {
    expect(withInfo(alice, <AddButtons />)).not.toContain('Add files');
  });
});
