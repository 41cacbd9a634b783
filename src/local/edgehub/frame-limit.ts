// Bounds the size of each MQTT packet a connection may send, before the broker buffers it: the fixed header's
// "remaining length" is read as bytes arrive and a packet over the limit ends the connection. Local stage (the
// local edgeHub). aedes' parser has no packet-size limit of its own, and IoT Hub refuses messages over 256 KB anyway.
import { Duplex, Transform, type TransformCallback } from 'node:stream';

export class PacketTooLargeError extends Error {
  override name = 'PacketTooLargeError';
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`an MQTT packet of ${size} bytes is over the local edgeHub's limit of ${limit} bytes`);
  }
}

/** Passes MQTT bytes through unchanged while checking every packet's declared length against `maxPacketBytes`. */
export function createPacketSizeGuard(maxPacketBytes: number): Transform {
  // Parser state: 'type' expects a packet's first byte, 'length' its variable-length size, 'body' skips its bytes.
  let state: 'type' | 'length' | 'body' = 'type';
  let length = 0;
  let multiplier = 1;
  let lengthBytes = 0;
  let remaining = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      let i = 0;
      while (i < chunk.length) {
        if (state === 'body') {
          const skip = Math.min(remaining, chunk.length - i);
          remaining -= skip;
          i += skip;
          if (remaining === 0) state = 'type';
          continue;
        }
        const byte = chunk[i++]!;
        if (state === 'type') {
          state = 'length';
          length = 0;
          multiplier = 1;
          lengthBytes = 0;
          continue;
        }
        length += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        lengthBytes++;
        if (length > maxPacketBytes) return callback(new PacketTooLargeError(length, maxPacketBytes));
        if (byte & 0x80) {
          // MQTT allows at most four length bytes; the broker's parser reports anything longer.
          if (lengthBytes >= 4) state = 'type';
          continue;
        }
        remaining = length;
        state = remaining === 0 ? 'type' : 'body';
      }
      callback(null, chunk);
    },
  });
}

/** `socket` as a duplex whose readable side goes through the size guard; a violation destroys the socket. */
export function guardConnection(socket: Duplex, maxPacketBytes: number, onViolation: (error: PacketTooLargeError) => void): Duplex {
  const guard = createPacketSizeGuard(maxPacketBytes);
  guard.on('error', (error) => {
    if (error instanceof PacketTooLargeError) onViolation(error);
    socket.destroy();
  });
  socket.pipe(guard);
  const duplex = Duplex.from({ readable: guard, writable: socket });
  socket.on('close', () => duplex.destroy());
  socket.on('error', () => undefined);
  duplex.on('close', () => socket.destroy());
  return duplex;
}
