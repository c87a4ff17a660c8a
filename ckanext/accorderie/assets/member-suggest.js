/* Suggest the active members that match what is typed in a member field
 * of the exchange form, in the field's <datalist>.
 *
 * The form works without this script: the server looks the typed member
 * number or name up. A suggestion starts with the member number, which is
 * what the server reads first.
 */
ckan.module('accorderie-member-suggest', function ($) {
  return {
    options: {accorderie: null, staff: false},

    initialize: function () {
      this.timer = null;
      this.el.on('input', this._onInput.bind(this));
    },

    _onInput: function () {
      var text = this.el.val().trim();
      clearTimeout(this.timer);
      // One letter matches too many names to help.
      if (text.length < 2 && !/^\d+$/.test(text)) {
        return;
      }
      this.timer = setTimeout(this._suggest.bind(this, text), 250);
    },

    _suggest: function (text) {
      var params = new URLSearchParams({accorderie_id: this.options.accorderie, q: text, limit: '10'});
      if (this.options.staff === true || this.options.staff === 'true') {
        params.set('state', 'active');
      }
      var list = document.getElementById(this.el.attr('list'));
      var csrfField = $('meta[name=csrf_field_name]').attr('content');
      var csrfToken = $('meta[name="' + csrfField + '"]').attr('content') || '';
      fetch(this.sandbox.client.url('/api/3/action/accorderie_member_list?' + params.toString()), {
        credentials: 'same-origin',
        headers: {'X-CSRFToken': csrfToken}
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (body) {
        if (!body || !list) {
          return;
        }
        var options = body.result.results.map(function (member) {
          var option = document.createElement('option');
          option.value = member.number + ' – ' + (member.display_name || '');
          return option;
        });
        list.replaceChildren.apply(list, options);
      }).catch(function () {
        // Suggestions are a convenience: the typed text still works.
      });
    }
  };
});
