"""ODK Collect, KoBoCollect and Enketo as the observer's phone: the OpenRosa form list, XForms and submissions."""
