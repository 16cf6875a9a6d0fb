// GOV.UK Frontend styles its interactive components only when these classes are present.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
