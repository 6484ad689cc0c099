/* yun-ssh-private.h: one instance's SSH work in a batch job
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "yun-core-private.h"

G_BEGIN_DECLS

/* What a batch job does on one instance over SSH, and what came of it. The job's worker
 * fills the inputs, _yun_ssh_calls_run() runs several at once on threads of their own, and
 * the worker reads the outputs back. */
typedef struct
{
  /* In */
  YunJobKind kind; /* YUN_JOB_KIND_SSH_EXEC or YUN_JOB_KIND_SFTP_UPLOAD */
  char *host;
  guint port;
  char *user;
  char *password; /* secret, nullable: wiped on free */
  gboolean accept_new_host_key;
  char *known_hosts_file;   /* nullable: ~/.ssh/known_hosts */
  char *identity_directory; /* nullable: ~/.ssh */
  guint connect_timeout_ms;
  GBytes *command; /* ssh-exec */
  guint command_timeout;
  gsize max_output;
  char *local_path; /* sftp-upload */
  char *remote_path;
  int mode;
  GCancellable *cancellable;

  /* Out */
  gboolean succeeded;
  gboolean maybe_sent; /* the command may have reached the server */
  gboolean has_exit_code;
  int exit_code;
  char *output;
  char *code;    /* a short code for the job item: HostKeyUnknown, AuthFailure… */
  char *message; /* a sentence; never a secret */
} YunSshCall;

YunSshCall *_yun_ssh_call_new (YunJobKind kind);
void _yun_ssh_call_free (YunSshCall *call);
void _yun_ssh_calls_run (GPtrArray *calls, guint max_parallel);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YunSshCall, _yun_ssh_call_free)

G_END_DECLS
