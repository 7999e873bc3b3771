// The browser test's XForm client: Enketo's transformer (XForm -> HTML form and model, through the browser's
// XSLTProcessor) and Enketo's form engine and file manager, exposed as window.EnketoClient.
import { transform } from 'enketo-transformer/web';
import { Form } from 'enketo-core';
import fileManager from 'enketo-core/src/js/file-manager';

window.EnketoClient = { transform, Form, fileManager };
