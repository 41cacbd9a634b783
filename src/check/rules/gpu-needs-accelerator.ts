// Check: a module asks for a GPU only when the target device has one.
import { defineCheck } from '../define-check.js';

export default defineCheck({
  meta: {
    id: 'gpu-needs-accelerator',
    description: 'GPU requests match the target accelerator.',
    messages: {
      noAccelerator: {
        code: 'EML3401',
        text: (d: { module: string }) => `Module '${d.module}' requests a GPU, but target.accelerator is none.`,
        hint: () => 'Set target.accelerator: nvidia-gpu, or remove gpu from the module.',
      },
    },
  },
  check(ctx) {
    if (ctx.ir.target.accelerator !== 'none') return;
    for (const module of ctx.ir.modules) {
      if (module.gpu !== undefined) ctx.report('noAccelerator', { module: module.name }, [...module.path, 'gpu']);
    }
  },
});
