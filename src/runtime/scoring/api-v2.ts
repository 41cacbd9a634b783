import type { ApiContext, Route } from './api.js';
export function v2Routes(_ctx: ApiContext): Route[] {
  return [];
}
