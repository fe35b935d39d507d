/* Marks the page as scripted (html.js), before it is drawn, so styles can hide what only works
   without JavaScript. A file, not inline script: the Content-Security-Policy forbids inline. */
document.documentElement.className += " js";
