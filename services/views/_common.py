def posted(request):
    """The form data for a POST, None otherwise (binds forms even to an empty POST)."""
    return request.POST if request.method == "POST" else None
