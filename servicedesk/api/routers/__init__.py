"""One router per resource; registered in servicedesk.api.main."""
