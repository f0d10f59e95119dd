/* SPDX-License-Identifier: GPL-2.0-or-later
 * Umbrella header of the Tandem module SDK. */
#ifndef TANDEM_TANDEM_H
#define TANDEM_TANDEM_H

#include <tandem/compiler.h>
#include <tandem/str.h>
#include <tandem/alloc.h>
#include <tandem/arena.h>
#include <tandem/buf.h>
#include <tandem/hash.h>
#include <tandem/list.h>
#include <tandem/log.h>
#include <tandem/wheel.h>
#include <tandem/uri.h>
#include <tandem/sip.h>
#include <tandem/sdp.h>
#include <tandem/frame.h>
#include <tandem/digest.h>
#include <tandem/script.h>
#include <tandem/module.h>
#include <tandem/node.h>
#include <tandem/db.h>
#include <tandem/snapshot.h>

#endif
