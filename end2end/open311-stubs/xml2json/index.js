// open311@0.0.12 requires this module at load time but calls it only for format 'xml'.
exports.toJson = function () {
  throw new Error('xml2json@0.2.4 needs the native node-expat@1.4.1, which does not build on Node 20; use format json');
};
