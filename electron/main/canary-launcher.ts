// The embedding canary as an Electron utility process: the app's RunAsNode fuse is off, so the
// Electron binary cannot be forked as plain Node, and a utility process keeps Electron's allocator.
import { utilityProcess } from 'electron';
import type { CanaryLauncher } from '../core';

export const utilityCanary: CanaryLauncher = (script, env) => {
  const child = utilityProcess.fork(script, [], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
    serviceName: 'Quire embedding check',
  });
  return {
    onMessage: (listener) => child.on('message', listener),
    // A utility process reports no signal: a crash shows as a non-zero code.
    onExit: (listener) => child.on('exit', (code) => listener(code, null)),
    onError: (listener) =>
      child.on('error', (type, location) => listener(new Error(`${type} at ${location}`))),
    onStderr: (listener) => child.stderr?.on('data', (chunk: Buffer) => listener(chunk.toString())),
    kill: () => {
      child.kill();
    },
  };
};
