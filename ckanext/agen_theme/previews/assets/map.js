/* Draw the points of a resource on a Leaflet map.
 *
 * Leaflet itself comes from ckanext-geoview's geojson_js asset. The points
 * come from the agen_previews_map_points_list action, already in
 * (latitude, longitude) order. When the map is drawn, the element gets
 * data-marker-count with the number of markers.
 */
ckan.module("agen-map", function ($) {
  return {
    options: {
      resourceId: null,
      tileUrl: "",
      tileAttribution: "",
    },

    initialize: function () {
      var element = this.el;
      var options = this.options;
      var map = L.map(element[0]);
      if (options.tileUrl) {
        L.tileLayer(options.tileUrl, { attribution: options.tileAttribution, maxZoom: 19 }).addTo(map);
      }

      var url = this.sandbox.client.url("/api/3/action/agen_previews_map_points_list");
      $.getJSON(url, { resource_id: options.resourceId })
        .done(function (response) {
          var points = response.result.points;
          var markers = points.map(function (point) {
            return L.circleMarker(point, { radius: 5, weight: 1, fillOpacity: 0.7 });
          });
          var group = L.featureGroup(markers).addTo(map);
          if (markers.length) {
            map.fitBounds(group.getBounds(), { padding: [10, 10] });
          } else {
            map.setView([44.2, 0.62], 12);
          }
          element.attr("data-marker-count", markers.length);
        })
        .fail(function () {
          map.setView([44.2, 0.62], 12);
          element.attr("data-marker-count", 0);
          element.after($("<p class='alert alert-warning'></p>").text(element.data("error-message")));
        });
    },
  };
});
