// open311@0.0.12 requires this module at load time but calls it only for format 'xml'.
exports.parseXml = function () {
  throw new Error('sparkxml is not installable (git-only dependency); use format json');
};
