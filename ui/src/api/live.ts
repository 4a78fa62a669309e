import { io, type Socket } from 'socket.io-client';

/**
 * The `/live` socket.io namespace: one connection for the whole console, authenticated by the
 * session cookie. Components subscribe to streams and get a function that unsubscribes.
 */
export type LiveSubscription =
  | { stream: 'events'; source?: string; type?: string }
  | { stream: 'traces'; flow?: string }
  | { stream: 'profile'; id: string };

let socket: Socket | null = null;
const active = new Map<string, { subscription: LiveSubscription; count: number }>();

function connection(): Socket {
  if (socket) return socket;
  socket = io('/live', { withCredentials: true, transports: ['websocket', 'polling'] });
  // After a reconnect the server has forgotten the subscriptions: send them again.
  socket.on('connect', () => {
    for (const { subscription } of active.values()) socket?.emit('subscribe', subscription);
  });
  return socket;
}

export interface LiveHandle {
  stop(): void;
}

export function subscribe<T>(
  subscription: LiveSubscription,
  message: 'event' | 'trace' | 'profile',
  listener: (value: T) => void,
  status?: (state: 'connected' | 'disconnected' | 'refused', detail?: string) => void,
): LiveHandle {
  const live = connection();
  const key = JSON.stringify(subscription);
  const entry = active.get(key);
  if (entry) entry.count++;
  else {
    active.set(key, { subscription, count: 1 });
    if (live.connected) live.emit('subscribe', subscription);
  }
  const handler = (value: T) => listener(value);
  const onConnect = () => status?.('connected');
  const onDisconnect = () => status?.('disconnected');
  const onRefused = (error: Error) => status?.('refused', error.message);
  live.on(message, handler);
  live.on('connect', onConnect);
  live.on('disconnect', onDisconnect);
  live.on('connect_error', onRefused);
  if (live.connected) status?.('connected');
  return {
    stop() {
      live.off(message, handler);
      live.off('connect', onConnect);
      live.off('disconnect', onDisconnect);
      live.off('connect_error', onRefused);
      const current = active.get(key);
      if (current && --current.count === 0) {
        active.delete(key);
        if (live.connected) live.emit('unsubscribe', subscription);
      }
    },
  };
}

/** Closes the connection, e.g. on logout, so the next login connects with the new cookie. */
export function disconnectLive(): void {
  socket?.disconnect();
  socket = null;
  active.clear();
}
