import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

/** How long the rest of a refused body is read and dropped before the connection is closed. */
export const LINGER_MS = 10_000;

/**
 * A request answered before its body was read (too large, not signed in) is answered with
 * `Connection: close`; Node would then close the socket as soon as the answer is written, and a
 * client still sending its body gets a reset (EPIPE, "connection reset") instead of the answer.
 * So, as nginx's lingering close does, the socket only stops writing: the rest of the body is read
 * and dropped until the client stops sending or LINGER_MS pass, and then it is closed.
 */
export function closeAfterAnswer(incoming: IncomingMessage, ms = LINGER_MS): void {
  const socket = incoming.socket as Socket & { destroySoon?: () => void };
  if (!socket || socket.destroyed) return;
  let lingering = false;
  socket.destroySoon = () => {
    if (lingering) return;
    lingering = true;
    socket.end();
    // the body's bytes are taken off the wire and dropped: whatever was to read them (the request's
    // body stream, which pauses when nobody reads it) is let go, as Node's own discarding does
    incoming.removeAllListeners('data');
    incoming.resume();
    const timer = setTimeout(() => socket.destroy(), ms);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
    socket.once('end', () => socket.destroy());
  };
}
