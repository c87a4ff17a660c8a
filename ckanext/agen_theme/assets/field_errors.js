/* Mark each form field that failed validation as invalid and tie it to its
 * message, for screen readers. CKAN's form macros show the message next to
 * the field (the group gets the class "error") but leave the field itself
 * unmarked, so a screen reader does not say that it is invalid.
 */
(function () {
  'use strict';

  function describeBy(field, messageId) {
    var ids = (field.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
    if (ids.indexOf(messageId) === -1) {
      ids.push(messageId);
    }
    field.setAttribute('aria-describedby', ids.join(' '));
  }

  function markInvalidFields() {
    var groups = document.querySelectorAll('.form-group.error');
    Array.prototype.forEach.call(groups, function (group, index) {
      var message = group.querySelector('.error-block');
      var fields = group.querySelectorAll('input:not([type=hidden]), select, textarea');
      if (!message || fields.length === 0) {
        return;
      }

      if (!message.id) {
        message.id = 'agen-field-error-' + index;
      }
      Array.prototype.forEach.call(fields, function (field) {
        field.setAttribute('aria-invalid', 'true');
        describeBy(field, message.id);
      });
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', markInvalidFields);
  } else {
    markInvalidFields();
  }
})();
