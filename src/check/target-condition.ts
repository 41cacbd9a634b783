// The mistakes in an IoT Hub target condition that are certain without its full grammar (IoT Hub checks the rest at
// plan time): double quotes, a string left open (a quote inside a string is written twice) or parentheses that do not
// pair up. Shared by the checks of fleet conditions and rollout ring conditions.

export type ConditionProblem = { kind: 'doubleQuotes' } | { kind: 'unbalanced'; problem: string };

export function targetConditionProblem(condition: string): ConditionProblem | undefined {
  if (condition.includes('"')) return { kind: 'doubleQuotes' };
  const problem = unbalanced(condition);
  return problem ? { kind: 'unbalanced', problem } : undefined;
}

function unbalanced(condition: string): string | undefined {
  let depth = 0;
  for (let i = 0; i < condition.length; i++) {
    const c = condition[i];
    if (c === "'") {
      let j = i + 1;
      while (j < condition.length && !(condition[j] === "'" && condition[j + 1] !== "'")) j += condition[j] === "'" ? 2 : 1;
      if (j >= condition.length) return `leaves the string opened at character ${i + 1} unclosed`;
      i = j;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth < 0) return `closes a parenthesis at character ${i + 1} that was never opened`;
  }
  return depth > 0 ? `leaves ${depth === 1 ? 'a parenthesis' : `${depth} parentheses`} open` : undefined;
}
