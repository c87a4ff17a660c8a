/* Put the texts of the Leaflet maps drawn by ckanext-spatial into the
 * page's language.
 *
 * ckanext-spatial (2.3.2) ships no translations, and Leaflet and Leaflet.draw
 * keep their texts in English objects. This module sets those texts from
 * this plugin's catalogue. It must come before the map elements in the page,
 * because CKAN initialises modules in page order and Leaflet reads the zoom
 * titles when a map is created.
 */
this.ckan.module('agen-map-texts', function ($) {
  return {
    initialize: function () {
      var _ = this._;

      L.Control.Zoom.mergeOptions({
        zoomInTitle: _('Zoom in'),
        zoomOutTitle: _('Zoom out')
      });

      // Leaflet.draw is only loaded with the bounding-box search widget.
      if (L.drawLocal) {
        var draw = L.drawLocal.draw;
        draw.toolbar.actions.title = _('Cancel drawing');
        draw.toolbar.actions.text = _('Cancel');
        draw.toolbar.buttons.rectangle = _('Draw a rectangle');
        draw.handlers.rectangle.tooltip.start = _('Click and drag to draw a rectangle.');
        draw.handlers.simpleshape.tooltip.end = _('Release the mouse button to finish drawing.');
      }

      // ckanext-spatial's "spatial-query" module translates these messages
      // itself with ckan.i18n. Naming them here puts them in this plugin's
      // catalogue, which CKAN merges into the translations of the browser.
      this.spatialQueryMessages = [
        _('Draw an extent'),
        _('Please draw query extent in the map:'),
        _('Apply')
      ];
    }
  };
});
