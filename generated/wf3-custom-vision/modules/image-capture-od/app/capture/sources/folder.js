// Frame source over a folder of images: files in sorted (natural) order, read one at a time, looping if asked.
// Runtime stage (capture). The listing is read again at every pass, so images added while running are picked up.
// A file that vanished is skipped; one that cannot be read (EACCES as the image's non-root user, a directory with an
// image name, an I/O error) is logged and skipped, so one bad file does not stop the module.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FrameSourceError } from '../frame.js';
export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.bmp', '.webp', '.gif', '.tif', '.tiff'];
const isImageName = (name) => IMAGE_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext)) && !name.startsWith('.');
/** Sorted image file names in `folder` ("img2" before "img10"). */
export async function listImages(folder) {
    let entries;
    try {
        entries = await readdir(folder, { withFileTypes: true });
    }
    catch (error) {
        throw new FrameSourceError(`Cannot read the image folder '${folder}': ${error.code ?? error.message}.`);
    }
    const collator = new Intl.Collator('en', { numeric: true });
    return entries
        .filter((e) => e.isFile() && isImageName(e.name))
        .map((e) => e.name)
        .sort(collator.compare);
}
export async function createFolderSource(folder, loop, options = {}) {
    const read = options.readFile ?? ((path) => readFile(path));
    const log = options.log ?? (() => undefined);
    let files = await listImages(folder);
    if (files.length === 0)
        throw new FrameSourceError(`The folder '${folder}' holds no images (${IMAGE_EXTENSIONS.join(', ')}).`);
    let position = 0;
    let index = 0;
    let closed = false;
    const nextName = async () => {
        if (position >= files.length) {
            if (!loop)
                return undefined;
            files = await listImages(folder);
            position = 0;
            if (files.length === 0)
                throw new FrameSourceError(`The folder '${folder}' no longer holds any images.`);
        }
        return files[position++];
    };
    return {
        description: `folder '${folder}' (${files.length} image${files.length === 1 ? '' : 's'})`,
        async next() {
            // A file can vanish between listing and reading, or be unreadable; skip it rather than stopping the module.
            let unreadable;
            for (let attempts = 0; !closed && attempts <= files.length; attempts++) {
                const name = await nextName();
                if (name === undefined)
                    return undefined;
                try {
                    return { data: await read(join(folder, name)), index: index++, origin: name };
                }
                catch (error) {
                    const code = error.code;
                    if (code === 'ENOENT')
                        continue;
                    unreadable = `'${name}': ${code ?? error.message}`;
                    log(`capture: skipping ${unreadable} (cannot read it)`);
                }
            }
            // A whole pass without one readable file: looping would spin on the same failures.
            if (unreadable)
                throw new FrameSourceError(`No image in '${folder}' could be read (last: ${unreadable}).`);
            return undefined;
        },
        async close() {
            closed = true;
        },
    };
}
