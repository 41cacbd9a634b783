import { InputError } from '../shared/input-error.js';
import { mediaType, readBody, readMultipart } from '../shared/request-body.js';
const IMAGE_TYPES = /^(application\/octet-stream|image\/[a-z0-9.+-]+)$/;
/**
 * Multipart with any image field names (each scored, keyed by name), or one raw image body keyed 'image'. At most
 * `maxImages` parts (server.limits.imagesPerRequest; more is a 413 before they are read).
 */
export function readNamedImages(limit, maxImages) {
    return async (req) => {
        const type = mediaType(req);
        if (type === 'multipart/form-data') {
            const all = await readMultipart(req, limit, maxImages);
            // File parts are the images; plain fields count only when there are no files (some clients send images as fields).
            const files = all.filter((p) => p.filename !== undefined);
            const parts = files.length > 0 ? files : all.filter((p) => p.data.length > 0);
            if (parts.length === 0)
                throw new InputError(400, 'The multipart request holds no image fields.');
            const seen = new Set();
            for (const p of parts) {
                if (seen.has(p.field))
                    throw new InputError(400, `Field '${p.field}' appears more than once; give each image its own field name.`);
                seen.add(p.field);
            }
            return parts.map((p) => ({ field: p.field, data: p.data }));
        }
        // No Content-Type at all is what a bare `requests.post(url, data=bytes)` sends.
        if (type === '' || IMAGE_TYPES.test(type))
            return [{ field: 'image', data: await readNonEmpty(req, limit) }];
        throw new InputError(415, `Content type '${type}' is not accepted here; send multipart/form-data (or a raw image body).`);
    };
}
/**
 * Custom Vision's /image, as the seed's harness reads it (Flask: request.files['imageData'], request.form['imageData'],
 * else request.get_data()): a multipart imageData file or field (else the first file), an urlencoded imageData field,
 * else the raw body whatever its Content-Type, or none.
 */
export function readCustomVisionImage(limit) {
    return async (req) => {
        const type = mediaType(req);
        if (type === 'multipart/form-data') {
            const parts = await readMultipart(req, limit);
            const part = parts.find((p) => p.field === 'imageData') ?? parts.find((p) => p.filename !== undefined);
            if (!part)
                throw new InputError(400, "The multipart request has no 'imageData' field.");
            if (part.data.length === 0)
                throw new InputError(400, 'The image is empty.');
            return [{ field: part.field, data: part.data }];
        }
        const body = await readNonEmpty(req, limit);
        if (type === 'application/x-www-form-urlencoded') {
            const field = urlencodedField(body, 'imageData');
            if (field === undefined)
                throw new InputError(400, "The form has no 'imageData' field.");
            if (field.length === 0)
                throw new InputError(400, 'The image is empty.');
            return [{ field: 'imageData', data: field }];
        }
        return [{ field: 'imageData', data: body }];
    };
}
export async function readNonEmpty(req, limit) {
    const body = await readBody(req, limit);
    if (body.length === 0)
        throw new InputError(400, 'The request body is empty; send the image bytes.');
    return body;
}
/** The bytes of one field of an application/x-www-form-urlencoded body ('+' is a space, %XX a byte), or undefined. */
export function urlencodedField(body, name) {
    const text = body.toString('latin1');
    for (const pair of text.split('&')) {
        const eq = pair.indexOf('=');
        const key = percentDecode(eq < 0 ? pair : pair.slice(0, eq)).toString('latin1');
        if (key === name)
            return percentDecode(eq < 0 ? '' : pair.slice(eq + 1));
    }
    return undefined;
}
function percentDecode(text) {
    const out = Buffer.allocUnsafe(text.length);
    let n = 0;
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 0x2b)
            out[n++] = 0x20;
        else if (c === 0x25 && i + 2 < text.length && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
            out[n++] = parseInt(text.slice(i + 1, i + 3), 16);
            i += 2;
        }
        else
            out[n++] = c & 0xff;
    }
    return out.subarray(0, n);
}
