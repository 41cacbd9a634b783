// Catalogue block 2xxx: variables (21xx) and the JSON Schema of the spec (20xx, 22xx).
import { defineMessages } from '../types.js';

export const schemaMessages = defineMessages({
  unknownKey: {
    code: 'EML2001',
    category: 'error',
    text: (d: { key: string; where: string; suggestion?: string }) =>
      `Unknown key '${d.key}' in ${d.where}.${d.suggestion ? ` Did you mean '${d.suggestion}'?` : ''}`,
    hint: (d: { key: string; where: string; suggestion?: string; allowed: string }) =>
      d.suggestion ? `Rename it to '${d.suggestion}'.` : `Remove it; ${d.where} accepts: ${d.allowed}.`,
  },
  missingKey: {
    code: 'EML2002',
    category: 'error',
    text: (d: { key: string; where: string }) => `${d.where} is missing the required key '${d.key}'.`,
    hint: (d: { key: string; description?: string }) =>
      d.description ? `Add '${d.key}': ${lowerFirst(d.description)}` : `Add '${d.key}'.`,
  },
  badEnum: {
    code: 'EML2003',
    category: 'error',
    text: (d: { value: string; where: string; allowed: string; suggestion?: string }) =>
      `'${d.value}' is not a valid value for ${d.where}.${d.suggestion ? ` Did you mean '${d.suggestion}'?` : ''}`,
    hint: (d: { allowed: string }) => `Use one of: ${d.allowed}.`,
  },
  wrongType: {
    code: 'EML2004',
    category: 'error',
    text: (d: { where: string; expected: string; actual: string }) => `${d.where} must be ${d.expected}, not ${d.actual}.`,
  },
  badFormat: {
    code: 'EML2005',
    category: 'error',
    text: (d: { where: string; value: string }) => `'${d.value}' is not a valid value for ${d.where}.`,
    hint: (d: { description?: string }) => d.description ?? 'Check the value.',
  },
  outOfRange: {
    code: 'EML2006',
    category: 'error',
    text: (d: { where: string; value: string; limit: string }) => `${d.where} is ${d.value}; it must be ${d.limit}.`,
  },
  badLength: { code: 'EML2007', category: 'error', text: (d: { where: string; limit: string }) => `${d.where} must have ${d.limit}.` },
  exactlyOne: {
    code: 'EML2008',
    category: 'error',
    text: (d: { where: string; options: string; found: string }) =>
      `${d.where} must have exactly one of ${d.options}${d.found ? `; it has ${d.found}` : ''}.`,
    hint: (d: { options: string }) => `Keep one of ${d.options}.`,
  },
  wrongVersion: {
    code: 'EML2009',
    category: 'error',
    text: (d: { value: string }) => `This edgeml understands spec version 1; the spec says edgeml: ${d.value}.`,
    hint: () => 'Write `edgeml: 1` at the top of the spec.',
  },
  duplicateItems: { code: 'EML2010', category: 'error', text: (d: { where: string }) => `${d.where} lists the same item twice.` },
  noneMatch: {
    code: 'EML2011',
    category: 'error',
    text: (d: { where: string; description: string }) => `${d.where} has an invalid value: ${lowerFirst(d.description)}`,
  },
  schemaOther: { code: 'EML2099', category: 'error', text: (d: { where: string; message: string }) => `${d.where} ${d.message}.` },

  unresolvedVariables: {
    code: 'EML2101',
    category: 'error',
    text: (d: { names: string }) => `Environment variable${d.names.includes(',') ? 's' : ''} not set: ${d.names}.`,
    hint: () => 'Set them, give a default with ${env:NAME:-default}, or override the field with --set path=value.',
  },
  badVariableSyntax: {
    code: 'EML2102',
    category: 'error',
    text: (d: { text: string; suggestion?: string }) =>
      `'${d.text}' is not a variable edgeml understands.${d.suggestion ? ` Did you mean '${d.suggestion}'?` : ''}`,
    hint: () => 'Write ${env:NAME} or ${env:NAME:-default}; write $${ for a literal ${.',
  },
  literalSecret: {
    code: 'EML2103',
    category: 'error',
    text: (d: { where: string }) => `${d.where} is a secret and must be a reference, not a value written in the spec.`,
    hint: (d: { where: string; example: string }) => `Write ${d.example} and set that variable when you apply.`,
  },
  secretWithDefault: {
    code: 'EML2104',
    category: 'error',
    text: (d: { where: string }) => `${d.where} is a secret; a default value would put the secret in the spec.`,
    hint: () => 'Remove the :-default part.',
  },
  secretMixed: {
    code: 'EML2105',
    category: 'error',
    text: (d: { where: string }) => `${d.where} is a secret and must be exactly one reference such as \${env:NAME}, with no other text.`,
  },
});

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
