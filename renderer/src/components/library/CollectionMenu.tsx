import { useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { createPortal } from 'react-dom';
import type { Collection } from '../../../../shared/collections';
import { Icon } from '../ui/Icon';

/**
 * A document's collections as a menu of checkboxes: each item reads just the collection's
 * name and is ticked when the document is in it. The menu stays open while ticking, so a
 * document can be filed in several collections at once.
 *
 * It is portalled to the body at the button's place: rows of the virtualised list are
 * transformed and clipped by their scroller, which would cut a menu drawn inside them.
 */
export function CollectionMenu({
  documentName,
  collections,
  memberOf,
  onToggle,
}: {
  documentName: string;
  collections: readonly Collection[];
  memberOf: readonly string[];
  onToggle: (collectionId: string) => void;
}) {
  const [at, setAt] = useState<{ top: number; right: number } | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const menuId = useId();
  const open = at !== null;

  const show = () => {
    const box = button.current?.getBoundingClientRect();
    if (box) setAt({ top: box.bottom + 4, right: window.innerWidth - box.right });
  };
  const close = (refocus: boolean) => {
    setAt(null);
    if (refocus) button.current?.focus();
  };

  useLayoutEffect(() => {
    if (open) menu.current?.querySelector<HTMLElement>('[role="menuitemcheckbox"]')?.focus();
  }, [open]);

  useEffect(() => {
    if (!open) return;
    // A click elsewhere, a scroll (the row moves) or a resize puts the menu away.
    const away = (e: Event) => {
      const target = e.target as Node | null;
      if (target && (menu.current?.contains(target) || button.current?.contains(target))) return;
      setAt(null);
    };
    const moved = (e: Event) => {
      if (e.target instanceof Node && menu.current?.contains(e.target)) return;
      setAt(null);
    };
    document.addEventListener('pointerdown', away, true);
    window.addEventListener('scroll', moved, true);
    window.addEventListener('resize', moved);
    return () => {
      document.removeEventListener('pointerdown', away, true);
      window.removeEventListener('scroll', moved, true);
      window.removeEventListener('resize', moved);
    };
  }, [open]);

  const onMenuKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const items = [
      ...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitemcheckbox"]') ?? []),
    ];
    const index = items.indexOf(document.activeElement as HTMLElement);
    const focusAt = (i: number) => items[(i + items.length) % items.length]?.focus();
    if (e.key === 'ArrowDown') focusAt(index + 1);
    else if (e.key === 'ArrowUp') focusAt(index - 1);
    else if (e.key === 'Home') focusAt(0);
    else if (e.key === 'End') focusAt(items.length - 1);
    else if (e.key === 'Escape') close(true);
    else if (e.key === 'Tab') close(false);
    else return;
    if (e.key !== 'Tab') e.preventDefault();
  };

  if (collections.length === 0) return null;
  return (
    <>
      <button
        ref={button}
        type="button"
        className="btn btn-small collection-pick"
        aria-label={`Collections of ${documentName}`}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => (open ? close(false) : show())}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' && !open) {
            e.preventDefault();
            show();
          }
        }}
      >
        Collections
        <Icon name="chevronDown" size={12} />
      </button>
      {at &&
        createPortal(
          <div
            ref={menu}
            id={menuId}
            className="menu"
            role="menu"
            aria-label={`Collections of ${documentName}`}
            style={{ top: at.top, right: at.right }}
            onKeyDown={onMenuKey}
          >
            {collections.map((c) => {
              const member = memberOf.includes(c.id);
              return (
                <button
                  key={c.id}
                  type="button"
                  role="menuitemcheckbox"
                  aria-checked={member}
                  className="menu-item"
                  tabIndex={-1}
                  onClick={() => onToggle(c.id)}
                >
                  <span className="menu-check" aria-hidden="true">
                    {member && <Icon name="check" size={14} />}
                  </span>
                  <span className="menu-label">{c.name}</span>
                </button>
              );
            })}
          </div>,
          document.body,
        )}
    </>
  );
}
