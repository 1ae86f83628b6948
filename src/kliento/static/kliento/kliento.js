// Kliento pages work without JavaScript; this file only adds conveniences.
document.documentElement.classList.add("js");
