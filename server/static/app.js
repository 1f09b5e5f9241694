// newsdex search page enhancements. The page works without this file; it adds
// value suggestions as you type in the "Add ..." boxes (from
// /facets/{field}?prefix=) and keyboard shortcuts: "/" focuses the search
// box, j and k move between results. Loaded with `defer` from the daemon
// itself; the Content-Security-Policy allows no inline script. Text from the
// server goes into the page through DOM properties only (never innerHTML).
'use strict';

(function () {
  function typing(target) {
    return target && (target.isContentEditable ||
      /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  document.addEventListener('keydown', function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
    if (event.key === '/') {
      var box = document.getElementById('q');
      if (box) {
        event.preventDefault();
        box.focus();
        box.select();
      }
      return;
    }
    if (event.key !== 'j' && event.key !== 'k') return;
    var links = Array.prototype.slice.call(document.querySelectorAll('.hit-title'));
    if (links.length === 0) return;
    var at = links.indexOf(document.activeElement);
    var next = event.key === 'j' ? Math.min(at + 1, links.length - 1) : Math.max(at - 1, 0);
    links[next].focus();
    event.preventDefault();
  });

  function option(value) {
    var element = document.createElement('option');
    element.value = value.name;
    element.label = value.name + ' (' + value.count + ')';
    return element;
  }

  // Fills the input's datalist with the values of its facet that start with
  // what is typed, asking /facets/{field} at most every 120 ms.
  function suggest(input) {
    var list = document.getElementById(input.getAttribute('list'));
    var url = '/facets/' + encodeURIComponent(input.getAttribute('data-facet')) +
        '?limit=8&prefix=';
    var timer = 0;
    var asked = '';

    function ask() {
      var prefix = input.value.trim();
      if (prefix === asked) return;
      asked = prefix;
      if (prefix === '') {
        list.replaceChildren();
        return;
      }
      fetch(url + encodeURIComponent(prefix), {headers: {Accept: 'application/json'}})
        .then(function (response) { return response.ok ? response.json() : {values: []}; })
        .then(function (body) {
          // A later keystroke asked again: its answer will fill the list.
          if (prefix === asked) list.replaceChildren.apply(list, body.values.map(option));
        })
        .catch(function () { /* suggestions are optional */ });
    }

    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 120);
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll('input[data-facet]'), suggest);
})();
