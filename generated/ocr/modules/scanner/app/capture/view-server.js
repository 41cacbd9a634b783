// The annotated-frame web view: GET / (a page that refreshes the image), GET /frame.jpg (latest frame with boxes),
// GET /latest.json (latest scoring answer). Runtime stage (capture). Frames are annotated only when someone looks.
import { createServer } from 'node:http';
import { annotateFrame, overlaysFromAnswer } from './annotate.js';
const PAGE = (name, refreshMs) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${name.replace(/[<>&"]/g, '')}: live view</title>
<style>body{margin:0;background:#111;color:#eee;font-family:sans-serif}img{max-width:100vw;max-height:92vh;display:block;margin:auto}p{text-align:center}</style>
</head><body><p id="status">waiting for the first frame…</p><img id="frame" alt="latest annotated frame">
<script>
const img = document.getElementById('frame'), status = document.getElementById('status');
async function tick() {
  try {
    const r = await fetch('frame.jpg?t=' + Date.now(), { cache: 'no-store' });
    if (r.ok) { const old = img.src; img.src = URL.createObjectURL(await r.blob()); if (old) URL.revokeObjectURL(old); status.textContent = 'frame ' + r.headers.get('x-frame-index'); }
  } catch (e) { status.textContent = 'disconnected'; }
  setTimeout(tick, ${refreshMs});
}
tick();
</script></body></html>
`;
export function createViewServer(options) {
    let latest;
    let cached;
    const refreshMs = Math.max(100, Math.round(1000 / options.fps));
    const annotated = () => {
        if (!latest)
            return undefined;
        if (cached?.index !== latest.index)
            cached = { index: latest.index, jpeg: annotateFrame(latest.frame, overlaysFromAnswer(latest.answer, options.minScore)) };
        return cached;
    };
    const server = createServer((req, res) => {
        const path = (req.url ?? '/').split('?')[0];
        if (req.method !== 'GET' && req.method !== 'HEAD')
            return void res.writeHead(405, { allow: 'GET' }).end();
        if (path === '/' || path === '/index.html') {
            return void res
                .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
                .end(PAGE(options.name, refreshMs));
        }
        if (path === '/latest.json') {
            if (!latest)
                return void res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"no frame yet"}');
            return void res
                .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
                .end(JSON.stringify({ index: latest.index, answer: latest.answer }));
        }
        if (path === '/frame.jpg') {
            const current = annotated();
            if (!current)
                return void res.writeHead(503, { 'retry-after': '1' }).end();
            current.jpeg.then((jpeg) => res
                .writeHead(200, {
                'content-type': 'image/jpeg',
                'content-length': jpeg.length,
                'cache-control': 'no-store',
                'x-frame-index': String(current.index),
            })
                .end(jpeg), (error) => {
                options.log?.(`capture: cannot draw frame ${current.index}: ${error.message}`);
                res.writeHead(500).end();
            });
            return;
        }
        res.writeHead(404).end();
    });
    return {
        update(frame, answer, index) {
            latest = { frame, answer, index };
        },
        listen(port, host) {
            return new Promise((resolve, reject) => {
                server.once('error', reject);
                server.listen(port, host, () => {
                    server.off('error', reject);
                    resolve(server.address().port);
                });
            });
        },
        close() {
            return new Promise((resolve) => {
                server.close(() => resolve());
                server.closeAllConnections();
            });
        },
    };
}
