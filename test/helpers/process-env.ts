/**
 * Sets `vars` in process.env, first removing every variable whose name starts with
 * `clearPrefix` (but those in `keep`); returns what puts process.env back as it was.
 */
export function withEnv(
  vars: Record<string, string>,
  options: { clearPrefix?: string; keep?: string[] } = {},
): () => void {
  const saved = { ...process.env };
  const { clearPrefix, keep = [] } = options;
  if (clearPrefix)
    for (const name of Object.keys(process.env))
      if (name.startsWith(clearPrefix) && !keep.includes(name)) delete process.env[name];
  Object.assign(process.env, vars);
  return () => {
    process.env = saved;
  };
}
