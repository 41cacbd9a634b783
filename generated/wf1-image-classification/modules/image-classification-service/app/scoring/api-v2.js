export function v2Routes(_ctx) {
    return [];
}
