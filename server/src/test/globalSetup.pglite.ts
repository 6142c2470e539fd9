import type { TestProject } from 'vitest/node';
import { setupTemplates } from './templateSetup.js';

export default async function setup(project: TestProject): Promise<void> {
  project.provide('templateFingerprint', await setupTemplates('pglite'));
}

declare module 'vitest' {
  export interface ProvidedContext {
    templateFingerprint: string;
  }
}
