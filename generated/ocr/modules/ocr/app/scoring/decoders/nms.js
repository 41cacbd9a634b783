// Greedy per-class non-maximum suppression over corner boxes, highest score first, capped at a maximum count.
// Runtime stage (scoring decoders). Same outcome as Custom Vision's object_detection.py suppression loop.
export function iou(a, b) {
    const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
    const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
    if (w <= 0 || h <= 0)
        return 0;
    const inter = w * h;
    const union = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter;
    return union > 0 ? inter / union : 0;
}
/**
 * Keeps the best candidates: a candidate is dropped when it overlaps (IoU > iouLimit) an already kept candidate of
 * the same class. iouLimit >= 1 keeps all. The result is sorted by score, at most maxCount long.
 */
export function nonMaxSuppression(candidates, iouLimit, maxCount) {
    const sorted = [...candidates].sort((a, b) => b.score - a.score);
    const kept = [];
    for (const c of sorted) {
        if (kept.length >= maxCount)
            break;
        if (iouLimit >= 1 || !kept.some((k) => k.classId === c.classId && iou(k, c) > iouLimit))
            kept.push(c);
    }
    return kept;
}
