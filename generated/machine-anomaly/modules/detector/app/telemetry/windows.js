// Sliding windows of the last N feature vectors per sender, for sequence models. Bounded: at most `maxKeys` senders
// are remembered; the one heard from least recently is forgotten first (a Map keeps insertion order, and a sender
// is moved to the end each time it is heard from). Runtime stage (telemetry).
export class Windows {
    size;
    maxKeys;
    byKey = new Map();
    constructor(size, maxKeys) {
        this.size = size;
        this.maxKeys = maxKeys;
    }
    /** Adds a vector for `key`; returns the full window (oldest first, flattened) once it holds `size` vectors. */
    push(key, vector) {
        const window = this.byKey.get(key) ?? [];
        this.byKey.delete(key);
        window.push(vector);
        if (window.length > this.size)
            window.shift();
        this.byKey.set(key, window);
        if (this.byKey.size > this.maxKeys)
            this.byKey.delete(this.byKey.keys().next().value);
        return window.length === this.size ? window.flat() : undefined;
    }
    get senders() {
        return this.byKey.size;
    }
}
