/**
 * The one loopback rule: `localhost`, all of 127.0.0.0/8, ::1 and IPv4-mapped 127.x. Every
 * other name needs DNS or leaves the machine. Used for "is this provider remote?", key
 * handling and the network guard alike.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(h)) return h.startsWith('127.') && isIpv4(h);
  return (
    h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
  );
}

export function isLoopbackUrl(url: string): boolean {
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}

function isIpv4(h: string): boolean {
  return h.split('.').every((part) => Number(part) <= 255);
}
