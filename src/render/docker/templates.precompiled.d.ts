// Types for the table the build generates (scripts/precompile-templates.mjs): precompiled Handlebars templates keyed
// by templateKey(source).
declare const templates: Record<string, unknown>;
export default templates;
