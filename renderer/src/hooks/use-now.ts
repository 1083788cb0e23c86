import { useEffect, useState } from 'react';

/**
 * The time, refreshed every `everyMs`: relative times ("3 min ago") computed once at render
 * would otherwise say "just now" for as long as the window stays open.
 */
export function useNow(everyMs = 60_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
