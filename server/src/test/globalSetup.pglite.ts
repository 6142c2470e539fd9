import { setupTemplates } from './templateSetup.js';

export default () => setupTemplates('pglite');
