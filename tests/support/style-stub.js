// jest: stylesheets (.css/.scss/.sass) import as an empty module.
module.exports = {}
