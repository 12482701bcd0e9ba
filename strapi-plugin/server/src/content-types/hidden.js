'use strict';

// Shared by the plugin's content types: invisible to the admin's content manager and
// content-type builder, because their rows are security state, not content.
module.exports = {
  pluginOptions: {
    'content-manager': { visible: false },
    'content-type-builder': { visible: false },
  },
  options: { draftAndPublish: false },
};
