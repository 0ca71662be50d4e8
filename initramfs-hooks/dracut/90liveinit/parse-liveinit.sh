#!/bin/sh
# rd.liveinit: LiveInit provides the root; tell dracut there is one to wait for no further.
if getargbool 0 rd.liveinit; then
    root=liveinit
    rootok=1
fi
