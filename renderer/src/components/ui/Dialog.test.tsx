import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ConfirmDialog } from './Dialog';

/** The button the dialog focuses when it opens: the one marked data-autofocus. */
function autofocused(danger: boolean): string | undefined {
  const html = renderToStaticMarkup(
    <ConfirmDialog
      open
      title="Delete conversation?"
      description="It cannot be undone."
      confirmLabel="Delete"
      danger={danger}
      onConfirm={() => {}}
      onClose={() => {}}
    />,
  );
  return /<button[^>]*data-autofocus[^>]*>([^<]*)<\/button>/.exec(html)?.[1];
}

describe('a confirmation dialog', () => {
  it('focuses Cancel when the action destroys something: Enter must not delete', () => {
    expect(autofocused(true)).toBe('Cancel');
  });

  it('focuses the action when it is harmless', () => {
    expect(autofocused(false)).toBe('Delete');
  });
});
