// Check: each module type has what it needs: containers an image or a build, capture modules a scoring module to
// send frames to, and the spec at least one module that serves the model.
import { defineCheck } from '../define-check.js';
import { closest } from '../../resolve/suggest.js';

export default defineCheck({
  meta: {
    id: 'module-fields',
    description: 'Modules have the fields their type needs and refer to modules that exist.',
    messages: {
      containerNeedsImage: {
        code: 'EML3901',
        text: (d: { module: string }) => `Container module '${d.module}' needs either image or build.`,
        hint: () => 'Add image: <registry>/<repo>:<tag>, or build: { context: ./folder }.',
      },
      containerBoth: {
        code: 'EML3902',
        text: (d: { module: string }) => `Container module '${d.module}' has both image and build.`,
        hint: () => 'Keep image to use a ready image, or build to build your own.',
      },
      sendToUnknown: {
        code: 'EML3903',
        text: (d: { module: string; target: string; suggestion?: string }) =>
          `Module '${d.module}' sends frames to '${d.target}', which the spec does not declare.${d.suggestion ? ` Did you mean '${d.suggestion}'?` : ''}`,
        hint: () => 'Name a scoring module declared under modules:.',
      },
      sendToNotScoring: {
        code: 'EML3904',
        text: (d: { module: string; target: string; kind: string }) =>
          `Module '${d.module}' sends frames to '${d.target}', which is a ${d.kind} module, not a scoring module.`,
        hint: () => 'Point sendTo at a module with type: scoring.',
      },
      noScoringModule: {
        code: 'EML3905',
        category: 'warning',
        text: () => 'No module serves the model: add a module with type: scoring.',
        hint: () => 'Without one, the model is never deployed.',
      },
      imageLatest: {
        code: 'EML3906',
        category: 'warning',
        text: (d: { module: string }) =>
          `Module '${d.module}' uses an image without a tag (or :latest), so devices may run different versions.`,
        hint: () => 'Pin a tag or a digest.',
      },
      badImage: {
        code: 'EML3907',
        text: (d: { module: string; image: string }) =>
          `Module '${d.module}' has an image reference '${d.image}' that IoT Edge cannot parse.`,
        hint: () => 'Write registry/repository:tag.',
      },
      viewPortNotPublished: {
        code: 'EML3908',
        category: 'suggestion',
        text: (d: { module: string; port: number }) =>
          `Module '${d.module}' serves its web view on port ${d.port} but does not publish it on the device.`,
        hint: (d: { port: number }) => `Add ports: ["${d.port}:${d.port}"] to open it from a browser.`,
      },
      scoringInputs: {
        code: 'EML3909',
        text: (d: { module: string }) => `Scoring module '${d.module}' answers HTTP requests and reads no IoT Edge inputs.`,
        hint: () => 'Remove inputs, or use a container module that reads messages.',
      },
    },
  },
  check(ctx) {
    const modules = new Map(ctx.ir.modules.map((m) => [m.name, m]));
    const data = (ctx.data.modules ?? {}) as Record<string, Record<string, unknown>>;
    for (const module of ctx.ir.modules) {
      const raw = data[module.name] ?? {};
      if (module.kind === 'container') {
        if (raw.image === undefined && raw.build === undefined)
          ctx.report('containerNeedsImage', { module: module.name }, module.path, { key: true });
        if (raw.image !== undefined && raw.build !== undefined)
          ctx.report('containerBoth', { module: module.name }, [...module.path, 'build'], { key: true });
        if (module.image.kind === 'prebuilt' && module.image.ref) {
          const ref = module.image.ref;
          // edgeAgent's image regex (facts §1.2), after setting aside a registry port and a digest.
          const parsable = /^([^/]*\/)*[^/:]+(:[^/:]+)?$/.test(ref.replace(/^[^/]+:\d+\//, 'host/').replace(/@sha256:[a-f0-9]{64}$/, ''));
          const pinned = ref.includes('@sha256:') || (/:[^/:]+$/.test(ref) && !ref.endsWith(':latest'));
          if (!parsable) ctx.report('badImage', { module: module.name, image: ref }, [...module.path, 'image']);
          else if (!pinned) ctx.report('imageLatest', { module: module.name }, [...module.path, 'image']);
        }
      }
      if (module.kind === 'scoring' && module.inputs.length > 0 && ctx.ir.task !== 'telemetry')
        ctx.report('scoringInputs', { module: module.name }, [...module.path, 'inputs']);
      const capture = module.capture;
      if (capture) {
        const target = modules.get(capture.scoringModule);
        if (!target)
          ctx.report(
            'sendToUnknown',
            { module: module.name, target: capture.scoringModule, suggestion: closest(capture.scoringModule, modules.keys()) },
            [...module.path, 'sendTo'],
          );
        else if (target.kind !== 'scoring')
          ctx.report('sendToNotScoring', { module: module.name, target: target.name, kind: target.kind }, [...module.path, 'sendTo']);
        if (capture.view && !module.ports.some((p) => p.container === capture.view!.port && p.host !== undefined)) {
          ctx.report('viewPortNotPublished', { module: module.name, port: capture.view.port }, [...module.path, 'view', 'port']);
        }
      }
    }
    if (!ctx.ir.modules.some((m) => m.kind === 'scoring')) ctx.report('noScoringModule', undefined, ['modules'], { key: true });
  },
});
