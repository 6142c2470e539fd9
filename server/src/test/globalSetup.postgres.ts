import { setupTemplates } from './templateSetup.js';

export default () => setupTemplates('postgres');
