import { useQuery } from '@tanstack/react-query';
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import {
  hasRole,
  METHOD_ROLES,
  OWNER,
  type Principal,
  type Role,
} from '../../../shared/contract/access';
import type { MethodName } from '../../../shared/contract';
import { request } from '../api/call';
import { queryKeys } from './query-keys';
import { useTransport } from './transport-context';

/**
 * What the person using this window may do. The interface asks "may I call library.remove?"
 * of the very table the dispatcher enforces (shared/contract/access.ts), so a control shows
 * exactly when its call would be accepted, and a new method's row decides both at once.
 */
export type Access = {
  /** Who the core says is calling; null until it has answered. */
  principal: Principal | null;
  can: (method: MethodName) => boolean;
};

/** Until the core has said who is calling, nothing that changes anything is offered. */
export function accessFor(principal: Principal | null): Access {
  return {
    principal,
    can: (method) => principal !== null && hasRole(principal, METHOD_ROLES[method]),
  };
}

/**
 * Outside a provider (component tests, a screen rendered on its own) the window is the
 * owner's, as it was before roles existed. That is only what is shown: the core refuses
 * whatever the caller's role does not allow, whatever the interface offers.
 */
const AccessContext = createContext<Access>(accessFor(OWNER));

type InfoPrincipal = { principal?: Principal };

/** The caller, as `app.info` names it; a core from before roles names nobody, the owner. */
export function principalFromInfo(info: InfoPrincipal | undefined): Principal | null {
  if (!info) return null;
  return info.principal ?? OWNER;
}

export function AccessProvider({ children }: { children: ReactNode }) {
  const transport = useTransport();
  const info = useQuery({
    queryKey: queryKeys.app.info(),
    queryFn: () => request(transport, 'app.info', {}),
  });
  const principal = principalFromInfo(info.data);
  const name = principal?.name;
  const role = principal?.role;
  const access = useMemo(
    () => accessFor(name !== undefined && role !== undefined ? { name, role } : null),
    [name, role],
  );
  return <AccessContext.Provider value={access}>{children}</AccessContext.Provider>;
}

export const useAccess = (): Access => useContext(AccessContext);

/** `can('library.remove')`: whether the person may make that call. */
export const useCan = (): Access['can'] => useContext(AccessContext).can;

const ALLOWS: Record<Role, string> = {
  viewer: 'you can read, search and ask, and keep your own conversations',
  editor:
    'you can read, search and ask, and also add, remove and re-index documents and organise collections',
  owner: 'you can change everything, settings and models included',
};

/** Settings' line for a team member: who they are and what their role lets them do. */
export function roleSummary(principal: Principal): string {
  if (principal.role === 'owner')
    return `You are signed in as the owner of this Quire: ${ALLOWS.owner}.`;
  const article = principal.role === 'editor' ? 'an' : 'a';
  return `You are signed in as ${principal.name}, ${article} ${principal.role}: ${ALLOWS[principal.role]}.`;
}
