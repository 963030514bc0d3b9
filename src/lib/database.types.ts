export type Json = string | number | boolean | null | { [key: string]: Json | undefined } | Json[];

export type Database = {
	public: {
		Tables: {
			announcement_reads: {
				Row: {
					announcement_id: string;
					organization_id: string;
					read_at: string;
					user_id: string;
				};
				ComputedFields: never;
				Insert: {
					announcement_id: string;
					organization_id: string;
					read_at?: string;
					user_id: string;
				};
				Update: {
					announcement_id?: string;
					organization_id?: string;
					read_at?: string;
					user_id?: string;
				};
				Relationships: [
					{
						foreignKeyName: 'announcement_reads_announcement_id_fkey';
						columns: ['announcement_id'];
						isOneToOne: false;
						referencedRelation: 'announcements';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'announcement_reads_organization_id_fkey';
						columns: ['organization_id'];
						isOneToOne: false;
						referencedRelation: 'organizations';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'announcement_reads_user_id_fkey';
						columns: ['user_id'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					}
				];
			};
			announcements: {
				Row: {
					author_id: string;
					body: string;
					created_at: string;
					deleted_at: string | null;
					edited_at: string | null;
					id: string;
					organization_id: string;
					pinned_until: string | null;
					program_id: string | null;
					updated_at: string;
				};
				ComputedFields: never;
				Insert: {
					author_id?: string;
					body: string;
					created_at?: string;
					deleted_at?: string | null;
					edited_at?: string | null;
					id?: string;
					organization_id: string;
					pinned_until?: string | null;
					program_id?: string | null;
					updated_at?: string;
				};
				Update: {
					author_id?: string;
					body?: string;
					created_at?: string;
					deleted_at?: string | null;
					edited_at?: string | null;
					id?: string;
					organization_id?: string;
					pinned_until?: string | null;
					program_id?: string | null;
					updated_at?: string;
				};
				Relationships: [
					{
						foreignKeyName: 'announcements_author_id_fkey';
						columns: ['author_id'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'announcements_organization_id_fkey';
						columns: ['organization_id'];
						isOneToOne: false;
						referencedRelation: 'organizations';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'announcements_program_id_fkey';
						columns: ['program_id'];
						isOneToOne: false;
						referencedRelation: 'programs';
						referencedColumns: ['id'];
					}
				];
			};
			audit_logs: {
				Row: {
					action: string;
					actor_id: string | null;
					batch_id: string | null;
					created_at: string;
					details: NonNullable<Json>;
					entity_id: string | null;
					entity_type: string;
					id: string;
					organization_id: string;
				};
				ComputedFields: never;
				Insert: {
					action: string;
					actor_id?: string | null;
					batch_id?: string | null;
					created_at?: string;
					details?: NonNullable<Json>;
					entity_id?: string | null;
					entity_type: string;
					id?: string;
					organization_id: string;
				};
				Update: {
					action?: string;
					actor_id?: string | null;
					batch_id?: string | null;
					created_at?: string;
					details?: NonNullable<Json>;
					entity_id?: string | null;
					entity_type?: string;
					id?: string;
					organization_id?: string;
				};
				Relationships: [
					{
						foreignKeyName: 'audit_logs_actor_id_fkey';
						columns: ['actor_id'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'audit_logs_organization_id_fkey';
						columns: ['organization_id'];
						isOneToOne: false;
						referencedRelation: 'organizations';
						referencedColumns: ['id'];
					}
				];
			};
			class_session_workouts: {
				Row: {
					class_session_id: string;
					created_at: string;
					id: string;
					organization_id: string;
					position: number;
					workout_id: string;
				};
				ComputedFields: never;
				Insert: {
					class_session_id: string;
					created_at?: string;
					id?: string;
					organization_id: string;
					position?: number;
					workout_id: string;
				};
				Update: {
					class_session_id?: string;
					created_at?: string;
					id?: string;
					organization_id?: string;
					position?: number;
					workout_id?: string;
				};
				Relationships: [
					{
						foreignKeyName: 'class_session_workouts_class_session_id_fkey';
						columns: ['class_session_id'];
						isOneToOne: false;
						referencedRelation: 'class_sessions';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'class_session_workouts_organization_id_fkey';
						columns: ['organization_id'];
						isOneToOne: false;
						referencedRelation: 'organizations';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'class_session_workouts_workout_id_fkey';
						columns: ['workout_id'];
						isOneToOne: false;
						referencedRelation: 'workouts';
						referencedColumns: ['id'];
					}
				];
			};
			class_sessions: {
				Row: {
					capacity: number | null;
					class_type_id: string | null;
					coach_id: string | null;
					created_at: string;
					created_by: string | null;
					ends_at: string;
					id: string;
					location: string | null;
					notes: string | null;
					organization_id: string;
					program_id: string | null;
					starts_at: string;
					updated_at: string;
				};
				ComputedFields: never;
				Insert: {
					capacity?: number | null;
					class_type_id?: string | null;
					coach_id?: string | null;
					created_at?: string;
					created_by?: string | null;
					ends_at: string;
					id?: string;
					location?: string | null;
					notes?: string | null;
					organization_id: string;
					program_id?: string | null;
					starts_at: string;
					updated_at?: string;
				};
				Update: {
					capacity?: number | null;
					class_type_id?: string | null;
					coach_id?: string | null;
					created_at?: string;
					created_by?: string | null;
					ends_at?: string;
					id?: string;
					location?: string | null;
					notes?: string | null;
					organization_id?: string;
					program_id?: string | null;
					starts_at?: string;
					updated_at?: string;
				};
				Relationships: [
					{
						foreignKeyName: 'class_sessions_class_type_id_fkey';
						columns: ['class_type_id'];
						isOneToOne: false;
						referencedRelation: 'class_types';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'class_sessions_coach_id_fkey';
						columns: ['coach_id'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'class_sessions_created_by_fkey';
						columns: ['created_by'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'class_sessions_organization_id_fkey';
						columns: ['organization_id'];
						isOneToOne: false;
						referencedRelation: 'organizations';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'class_sessions_program_id_fkey';
						columns: ['program_id'];
						isOneToOne: false;
						referencedRelation: 'programs';
						referencedColumns: ['id'];
					}
				];
			};
			class_types: {
				Row: {
					archived_at: string | null;
					color: string | null;
					created_at: string;
					description: string | null;
					id: string;
					name: string;
					organization_id: string;
					updated_at: string;
				};
				ComputedFields: never;
				Insert: {
					archived_at?: string | null;
					color?: string | null;
					created_at?: string;
					description?: string | null;
					id?: string;
					name: string;
					organization_id: string;
					updated_at?: string;
				};
				Update: {
					archived_at?: string | null;
					color?: string | null;
					created_at?: string;
					description?: string | null;
					id?: string;
					name?: string;
					organization_id?: string;
					updated_at?: string;
				};
				Relationships: [
					{
						foreignKeyName: 'class_types_organization_id_fkey';
						columns: ['organization_id'];
						isOneToOne: false;
						referencedRelation: 'organizations';
						referencedColumns: ['id'];
					}
				];
			};
			conversation_summaries: {
				Row: {
					created_at: string;
					hidden: boolean;
					id: string;
					last_activity_at: string;
					last_message_at: string | null;
					last_message_deleted: boolean;
					last_message_id: string | null;
					last_message_preview: string | null;
					last_message_sender_id: string | null;
					last_read_at: string | null;
					muted: boolean;
					organization_id: string;
					other_user_id: string;
					owner_id: string;
					unread_count: number;
					updated_at: string;
				};
				ComputedFields: never;
				Insert: {
					created_at?: string;
					hidden?: boolean;
					id?: string;
					last_activity_at?: string;
					last_message_at?: string | null;
					last_message_deleted?: boolean;
					last_message_id?: string | null;
					last_message_preview?: string | null;
					last_message_sender_id?: string | null;
					last_read_at?: string | null;
					muted?: boolean;
					organization_id: string;
					other_user_id: string;
					owner_id: string;
					unread_count?: number;
					updated_at?: string;
				};
				Update: {
					created_at?: string;
					hidden?: boolean;
					id?: string;
					last_activity_at?: string;
					last_message_at?: string | null;
					last_message_deleted?: boolean;
					last_message_id?: string | null;
					last_message_preview?: string | null;
					last_message_sender_id?: string | null;
					last_read_at?: string | null;
					muted?: boolean;
					organization_id?: string;
					other_user_id?: string;
					owner_id?: string;
					unread_count?: number;
					updated_at?: string;
				};
				Relationships: [
					{
						foreignKeyName: 'conversation_summaries_organization_id_fkey';
						columns: ['organization_id'];
						isOneToOne: false;
						referencedRelation: 'organizations';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'conversation_summaries_other_user_id_fkey';
						columns: ['other_user_id'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'conversation_summaries_owner_id_fkey';
						columns: ['owner_id'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					}
				];
			};
			exercise_comments: {
				Row: {
					author_id: string;
					body: string;
					created_at: string;
					deleted_at: string | null;
					id: string;
					organization_id: string;
					parent_comment_id: string | null;
					updated_at: string;
					workout_movement_id: string;
				};
				ComputedFields: never;
				Insert: {
					author_id: string;
					body: string;
					created_at?: string;
					deleted_at?: string | null;
					id?: string;
					organization_id: string;
					parent_comment_id?: string | null;
					updated_at?: string;
					workout_movement_id: string;
				};
				Update: {
					author_id?: string;
					body?: string;
					created_at?: string;
					deleted_at?: string | null;
					id?: string;
					organization_id?: string;
					parent_comment_id?: string | null;
					updated_at?: string;
					workout_movement_id?: string;
				};
				Relationships: [
					{
						foreignKeyName: 'exercise_comments_author_id_fkey';
						columns: ['author_id'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'exercise_comments_organization_id_fkey';
						columns: ['organization_id'];
						isOneToOne: false;
						referencedRelation: 'organizations';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'exercise_comments_parent_comment_id_fkey';
						columns: ['parent_comment_id', 'workout_movement_id'];
						isOneToOne: false;
						referencedRelation: 'exercise_comments';
						referencedColumns: ['id', 'workout_movement_id'];
					},
					{
						foreignKeyName: 'exercise_comments_workout_movement_id_fkey';
						columns: ['workout_movement_id'];
						isOneToOne: false;
						referencedRelation: 'workout_movements';
						referencedColumns: ['id'];
					}
				];
			};
			invitations: {
				Row: {
					accepted_at: string | null;
					accepted_by: string | null;
					created_at: string;
					email: string | null;
					expires_at: string;
					id: string;
					invited_by: string;
					organization_id: string;
					revoked_at: string | null;
					role: Database['public']['Enums']['membership_role'];
					token: string;
				};
				ComputedFields: never;
				Insert: {
					accepted_at?: string | null;
					accepted_by?: string | null;
					created_at?: string;
					email?: string | null;
					expires_at?: string;
					id?: string;
					invited_by: string;
					organization_id: string;
					revoked_at?: string | null;
					role?: Database['public']['Enums']['membership_role'];
					token?: string;
				};
				Update: {
					accepted_at?: string | null;
					accepted_by?: string | null;
					created_at?: string;
					email?: string | null;
					expires_at?: string;
					id?: string;
					invited_by?: string;
					organization_id?: string;
					revoked_at?: string | null;
					role?: Database['public']['Enums']['membership_role'];
					token?: string;
				};
				Relationships: [
					{
						foreignKeyName: 'invitations_accepted_by_fkey';
						columns: ['accepted_by'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'invitations_invited_by_fkey';
						columns: ['invited_by'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'invitations_organization_id_fkey';
						columns: ['organization_id'];
						isOneToOne: false;
						referencedRelation: 'organizations';
						referencedColumns: ['id'];
					}
				];
			};
			memberships: {
				Row: {
					created_at: string;
					id: string;
					organization_id: string;
					removed_at: string | null;
					removed_by: string | null;
					role: Database['public']['Enums']['membership_role'];
					status: Database['public']['Enums']['membership_status'];
					updated_at: string;
					user_id: string;
				};
				ComputedFields: never;
				Insert: {
					created_at?: string;
					id?: string;
					organization_id: string;
					removed_at?: string | null;
					removed_by?: string | null;
					role?: Database['public']['Enums']['membership_role'];
					status?: Database['public']['Enums']['membership_status'];
					updated_at?: string;
					user_id: string;
				};
				Update: {
					created_at?: string;
					id?: string;
					organization_id?: string;
					removed_at?: string | null;
					removed_by?: string | null;
					role?: Database['public']['Enums']['membership_role'];
					status?: Database['public']['Enums']['membership_status'];
					updated_at?: string;
					user_id?: string;
				};
				Relationships: [
					{
						foreignKeyName: 'memberships_organization_id_fkey';
						columns: ['organization_id'];
						isOneToOne: false;
						referencedRelation: 'organizations';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'memberships_removed_by_fkey';
						columns: ['removed_by'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'memberships_user_id_fkey';
						columns: ['user_id'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					}
				];
			};
			message_attachments: {
				Row: {
					announcement_id: string | null;
					attach_order: number;
					created_at: string;
					height: number | null;
					id: string;
					message_id: string | null;
					mime_type: string;
					organization_id: string;
					r2_key: string;
					size: number;
					thumbnail_attempts: number;
					thumbnail_error: string | null;
					thumbnail_locked_at: string | null;
					thumbnail_r2_key: string | null;
					type: Database['public']['Enums']['attachment_type'];
					uploader_id: string;
					width: number | null;
				};
				ComputedFields: never;
				Insert: {
					announcement_id?: string | null;
					attach_order?: never;
					created_at?: string;
					height?: number | null;
					id?: string;
					message_id?: string | null;
					mime_type: string;
					organization_id: string;
					r2_key: string;
					size: number;
					thumbnail_attempts?: number;
					thumbnail_error?: string | null;
					thumbnail_locked_at?: string | null;
					thumbnail_r2_key?: string | null;
					type: Database['public']['Enums']['attachment_type'];
					uploader_id: string;
					width?: number | null;
				};
				Update: {
					announcement_id?: string | null;
					attach_order?: never;
					created_at?: string;
					height?: number | null;
					id?: string;
					message_id?: string | null;
					mime_type?: string;
					organization_id?: string;
					r2_key?: string;
					size?: number;
					thumbnail_attempts?: number;
					thumbnail_error?: string | null;
					thumbnail_locked_at?: string | null;
					thumbnail_r2_key?: string | null;
					type?: Database['public']['Enums']['attachment_type'];
					uploader_id?: string;
					width?: number | null;
				};
				Relationships: [
					{
						foreignKeyName: 'message_attachments_announcement_id_fkey';
						columns: ['announcement_id'];
						isOneToOne: false;
						referencedRelation: 'announcements';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'message_attachments_message_id_fkey';
						columns: ['message_id'];
						isOneToOne: false;
						referencedRelation: 'messages';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'message_attachments_organization_id_fkey';
						columns: ['organization_id'];
						isOneToOne: false;
						referencedRelation: 'organizations';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'message_attachments_uploader_id_fkey';
						columns: ['uploader_id'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					}
				];
			};
			message_edits: {
				Row: {
					edited_at: string;
					id: string;
					message_id: string;
					previous_content: string | null;
				};
				ComputedFields: never;
				Insert: {
					edited_at?: string;
					id?: string;
					message_id: string;
					previous_content?: string | null;
				};
				Update: {
					edited_at?: string;
					id?: string;
					message_id?: string;
					previous_content?: string | null;
				};
				Relationships: [
					{
						foreignKeyName: 'message_edits_message_id_fkey';
						columns: ['message_id'];
						isOneToOne: false;
						referencedRelation: 'messages';
						referencedColumns: ['id'];
					}
				];
			};
			messages: {
				Row: {
					attachment_count: number;
					client_id: string | null;
					content: string | null;
					created_at: string;
					deleted_at: string | null;
					edited_at: string | null;
					id: string;
					organization_id: string;
					participant_high: string;
					participant_low: string;
					read_at: string | null;
					recipient_id: string;
					search_vector: unknown;
					sender_id: string;
					sender_role: Database['public']['Enums']['sender_role'];
					updated_at: string;
					workout_assignment_id: string | null;
				};
				ComputedFields: never;
				Insert: {
					attachment_count?: number;
					client_id?: string | null;
					content?: string | null;
					created_at?: string;
					deleted_at?: string | null;
					edited_at?: string | null;
					id?: string;
					organization_id: string;
					participant_high?: never;
					participant_low?: never;
					read_at?: string | null;
					recipient_id: string;
					search_vector?: never;
					sender_id: string;
					sender_role: Database['public']['Enums']['sender_role'];
					updated_at?: string;
					workout_assignment_id?: string | null;
				};
				Update: {
					attachment_count?: number;
					client_id?: string | null;
					content?: string | null;
					created_at?: string;
					deleted_at?: string | null;
					edited_at?: string | null;
					id?: string;
					organization_id?: string;
					participant_high?: never;
					participant_low?: never;
					read_at?: string | null;
					recipient_id?: string;
					search_vector?: never;
					sender_id?: string;
					sender_role?: Database['public']['Enums']['sender_role'];
					updated_at?: string;
					workout_assignment_id?: string | null;
				};
				Relationships: [
					{
						foreignKeyName: 'messages_organization_id_fkey';
						columns: ['organization_id'];
						isOneToOne: false;
						referencedRelation: 'organizations';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'messages_recipient_id_fkey';
						columns: ['recipient_id'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'messages_sender_id_fkey';
						columns: ['sender_id'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'messages_workout_assignment_id_fkey';
						columns: ['workout_assignment_id'];
						isOneToOne: false;
						referencedRelation: 'workout_assignments';
						referencedColumns: ['id'];
					}
				];
			};
			notification_mutes: {
				Row: {
					conversation_key: string | null;
					created_at: string;
					id: string;
					muted_user_id: string | null;
					until: string | null;
					user_id: string;
				};
				ComputedFields: never;
				Insert: {
					conversation_key?: string | null;
					created_at?: string;
					id?: string;
					muted_user_id?: string | null;
					until?: string | null;
					user_id: string;
				};
				Update: {
					conversation_key?: string | null;
					created_at?: string;
					id?: string;
					muted_user_id?: string | null;
					until?: string | null;
					user_id?: string;
				};
				Relationships: [
					{
						foreignKeyName: 'notification_mutes_muted_user_id_fkey';
						columns: ['muted_user_id'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'notification_mutes_user_id_fkey';
						columns: ['user_id'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					}
				];
			};
			notification_outbox: {
				Row: {
					attempts: number;
					category: string;
					collapse_key: string | null;
					created_at: string;
					id: string;
					last_error: string | null;
					locked_at: string | null;
					not_before: string;
					payload: NonNullable<Json>;
					sent_at: string | null;
					skip_reason: string | null;
					status: Database['public']['Enums']['notification_status'];
					user_id: string;
				};
				ComputedFields: never;
				Insert: {
					attempts?: number;
					category: string;
					collapse_key?: string | null;
					created_at?: string;
					id?: string;
					last_error?: string | null;
					locked_at?: string | null;
					not_before?: string;
					payload?: NonNullable<Json>;
					sent_at?: string | null;
					skip_reason?: string | null;
					status?: Database['public']['Enums']['notification_status'];
					user_id: string;
				};
				Update: {
					attempts?: number;
					category?: string;
					collapse_key?: string | null;
					created_at?: string;
					id?: string;
					last_error?: string | null;
					locked_at?: string | null;
					not_before?: string;
					payload?: NonNullable<Json>;
					sent_at?: string | null;
					skip_reason?: string | null;
					status?: Database['public']['Enums']['notification_status'];
					user_id?: string;
				};
				Relationships: [
					{
						foreignKeyName: 'notification_outbox_user_id_fkey';
						columns: ['user_id'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					}
				];
			};
			notification_preferences: {
				Row: {
					announcements_enabled: boolean;
					comments_enabled: boolean;
					created_at: string;
					messages_enabled: boolean;
					muted_until: string | null;
					quiet_hours_end: string | null;
					quiet_hours_start: string | null;
					time_zone: string | null;
					updated_at: string;
					user_id: string;
					workouts_enabled: boolean;
				};
				ComputedFields: never;
				Insert: {
					announcements_enabled?: boolean;
					comments_enabled?: boolean;
					created_at?: string;
					messages_enabled?: boolean;
					muted_until?: string | null;
					quiet_hours_end?: string | null;
					quiet_hours_start?: string | null;
					time_zone?: string | null;
					updated_at?: string;
					user_id: string;
					workouts_enabled?: boolean;
				};
				Update: {
					announcements_enabled?: boolean;
					comments_enabled?: boolean;
					created_at?: string;
					messages_enabled?: boolean;
					muted_until?: string | null;
					quiet_hours_end?: string | null;
					quiet_hours_start?: string | null;
					time_zone?: string | null;
					updated_at?: string;
					user_id?: string;
					workouts_enabled?: boolean;
				};
				Relationships: [
					{
						foreignKeyName: 'notification_preferences_user_id_fkey';
						columns: ['user_id'];
						isOneToOne: true;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					}
				];
			};
			organizations: {
				Row: {
					created_at: string;
					created_by: string | null;
					id: string;
					member_dm_enabled: boolean;
					name: string;
					slug: string;
					time_zone: string;
					updated_at: string;
				};
				ComputedFields: never;
				Insert: {
					created_at?: string;
					created_by?: string | null;
					id?: string;
					member_dm_enabled?: boolean;
					name: string;
					slug: string;
					time_zone?: string;
					updated_at?: string;
				};
				Update: {
					created_at?: string;
					created_by?: string | null;
					id?: string;
					member_dm_enabled?: boolean;
					name?: string;
					slug?: string;
					time_zone?: string;
					updated_at?: string;
				};
				Relationships: [
					{
						foreignKeyName: 'organizations_created_by_fkey';
						columns: ['created_by'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					}
				];
			};
			personal_records: {
				Row: {
					achieved_at: string;
					best_load: number;
					id: string;
					load_unit: Database['public']['Enums']['load_unit'];
					movement_name: string;
					organization_id: string;
					reps: number | null;
					updated_at: string;
					user_id: string;
					workout_result_id: string | null;
				};
				ComputedFields: never;
				Insert: {
					achieved_at: string;
					best_load: number;
					id?: string;
					load_unit: Database['public']['Enums']['load_unit'];
					movement_name: string;
					organization_id: string;
					reps?: number | null;
					updated_at?: string;
					user_id: string;
					workout_result_id?: string | null;
				};
				Update: {
					achieved_at?: string;
					best_load?: number;
					id?: string;
					load_unit?: Database['public']['Enums']['load_unit'];
					movement_name?: string;
					organization_id?: string;
					reps?: number | null;
					updated_at?: string;
					user_id?: string;
					workout_result_id?: string | null;
				};
				Relationships: [
					{
						foreignKeyName: 'personal_records_organization_id_fkey';
						columns: ['organization_id'];
						isOneToOne: false;
						referencedRelation: 'organizations';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'personal_records_user_id_fkey';
						columns: ['user_id'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'personal_records_workout_result_id_fkey';
						columns: ['workout_result_id'];
						isOneToOne: false;
						referencedRelation: 'workout_results';
						referencedColumns: ['id'];
					}
				];
			};
			profiles: {
				Row: {
					avatar_path: string | null;
					created_at: string;
					deleted_at: string | null;
					display_name: string;
					id: string;
					is_tombstone: boolean;
					read_receipts_enabled: boolean;
					time_zone: string | null;
					updated_at: string;
				};
				ComputedFields: never;
				Insert: {
					avatar_path?: string | null;
					created_at?: string;
					deleted_at?: string | null;
					display_name: string;
					id: string;
					is_tombstone?: never;
					read_receipts_enabled?: boolean;
					time_zone?: string | null;
					updated_at?: string;
				};
				Update: {
					avatar_path?: string | null;
					created_at?: string;
					deleted_at?: string | null;
					display_name?: string;
					id?: string;
					is_tombstone?: never;
					read_receipts_enabled?: boolean;
					time_zone?: string | null;
					updated_at?: string;
				};
				Relationships: [];
			};
			program_comment_unreads: {
				Row: {
					id: string;
					organization_id: string;
					program_id: string | null;
					unread_count: number;
					user_id: string;
				};
				ComputedFields: never;
				Insert: {
					id?: string;
					organization_id: string;
					program_id?: string | null;
					unread_count?: number;
					user_id: string;
				};
				Update: {
					id?: string;
					organization_id?: string;
					program_id?: string | null;
					unread_count?: number;
					user_id?: string;
				};
				Relationships: [
					{
						foreignKeyName: 'program_comment_unreads_organization_id_fkey';
						columns: ['organization_id'];
						isOneToOne: false;
						referencedRelation: 'organizations';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'program_comment_unreads_program_id_fkey';
						columns: ['program_id'];
						isOneToOne: false;
						referencedRelation: 'programs';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'program_comment_unreads_user_id_fkey';
						columns: ['user_id'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					}
				];
			};
			program_comments: {
				Row: {
					created_at: string;
					message_id: string;
					organization_id: string;
					program_id: string;
					workout_assignment_id: string;
				};
				ComputedFields: never;
				Insert: {
					created_at: string;
					message_id: string;
					organization_id: string;
					program_id: string;
					workout_assignment_id: string;
				};
				Update: {
					created_at?: string;
					message_id?: string;
					organization_id?: string;
					program_id?: string;
					workout_assignment_id?: string;
				};
				Relationships: [
					{
						foreignKeyName: 'program_comments_message_id_fkey';
						columns: ['message_id'];
						isOneToOne: true;
						referencedRelation: 'messages';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'program_comments_organization_id_fkey';
						columns: ['organization_id'];
						isOneToOne: false;
						referencedRelation: 'organizations';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'program_comments_program_id_fkey';
						columns: ['program_id'];
						isOneToOne: false;
						referencedRelation: 'programs';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'program_comments_workout_assignment_id_fkey';
						columns: ['workout_assignment_id'];
						isOneToOne: false;
						referencedRelation: 'workout_assignments';
						referencedColumns: ['id'];
					}
				];
			};
			program_enrollments: {
				Row: {
					created_by: string | null;
					ended_at: string | null;
					enrolled_at: string;
					id: string;
					organization_id: string;
					program_id: string;
					user_id: string;
				};
				ComputedFields: never;
				Insert: {
					created_by?: string | null;
					ended_at?: string | null;
					enrolled_at?: string;
					id?: string;
					organization_id: string;
					program_id: string;
					user_id: string;
				};
				Update: {
					created_by?: string | null;
					ended_at?: string | null;
					enrolled_at?: string;
					id?: string;
					organization_id?: string;
					program_id?: string;
					user_id?: string;
				};
				Relationships: [
					{
						foreignKeyName: 'program_enrollments_created_by_fkey';
						columns: ['created_by'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'program_enrollments_organization_id_fkey';
						columns: ['organization_id'];
						isOneToOne: false;
						referencedRelation: 'organizations';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'program_enrollments_program_id_fkey';
						columns: ['program_id'];
						isOneToOne: false;
						referencedRelation: 'programs';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'program_enrollments_user_id_fkey';
						columns: ['user_id'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					}
				];
			};
			program_template_cells: {
				Row: {
					created_at: string;
					day_offset: number;
					id: string;
					kind: Database['public']['Enums']['assignment_kind'];
					note: string | null;
					organization_id: string;
					sort_order: number;
					template_id: string;
					workout_id: string | null;
				};
				ComputedFields: never;
				Insert: {
					created_at?: string;
					day_offset: number;
					id?: string;
					kind?: Database['public']['Enums']['assignment_kind'];
					note?: string | null;
					organization_id: string;
					sort_order?: number;
					template_id: string;
					workout_id?: string | null;
				};
				Update: {
					created_at?: string;
					day_offset?: number;
					id?: string;
					kind?: Database['public']['Enums']['assignment_kind'];
					note?: string | null;
					organization_id?: string;
					sort_order?: number;
					template_id?: string;
					workout_id?: string | null;
				};
				Relationships: [
					{
						foreignKeyName: 'program_template_cells_organization_id_fkey';
						columns: ['organization_id'];
						isOneToOne: false;
						referencedRelation: 'organizations';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'program_template_cells_template_id_fkey';
						columns: ['template_id'];
						isOneToOne: false;
						referencedRelation: 'program_templates';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'program_template_cells_workout_id_fkey';
						columns: ['workout_id'];
						isOneToOne: false;
						referencedRelation: 'workouts';
						referencedColumns: ['id'];
					}
				];
			};
			program_templates: {
				Row: {
					created_at: string;
					created_by: string | null;
					id: string;
					length_days: number;
					name: string;
					organization_id: string;
					program_id: string | null;
					updated_at: string;
				};
				ComputedFields: never;
				Insert: {
					created_at?: string;
					created_by?: string | null;
					id?: string;
					length_days?: number;
					name: string;
					organization_id: string;
					program_id?: string | null;
					updated_at?: string;
				};
				Update: {
					created_at?: string;
					created_by?: string | null;
					id?: string;
					length_days?: number;
					name?: string;
					organization_id?: string;
					program_id?: string | null;
					updated_at?: string;
				};
				Relationships: [
					{
						foreignKeyName: 'program_templates_created_by_fkey';
						columns: ['created_by'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'program_templates_organization_id_fkey';
						columns: ['organization_id'];
						isOneToOne: false;
						referencedRelation: 'organizations';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'program_templates_program_id_fkey';
						columns: ['program_id'];
						isOneToOne: false;
						referencedRelation: 'programs';
						referencedColumns: ['id'];
					}
				];
			};
			programs: {
				Row: {
					archived_at: string | null;
					created_at: string;
					created_by: string | null;
					description: string | null;
					id: string;
					mode: Database['public']['Enums']['program_mode'];
					name: string;
					organization_id: string;
					updated_at: string;
				};
				ComputedFields: never;
				Insert: {
					archived_at?: string | null;
					created_at?: string;
					created_by?: string | null;
					description?: string | null;
					id?: string;
					mode?: Database['public']['Enums']['program_mode'];
					name: string;
					organization_id: string;
					updated_at?: string;
				};
				Update: {
					archived_at?: string | null;
					created_at?: string;
					created_by?: string | null;
					description?: string | null;
					id?: string;
					mode?: Database['public']['Enums']['program_mode'];
					name?: string;
					organization_id?: string;
					updated_at?: string;
				};
				Relationships: [
					{
						foreignKeyName: 'programs_created_by_fkey';
						columns: ['created_by'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'programs_organization_id_fkey';
						columns: ['organization_id'];
						isOneToOne: false;
						referencedRelation: 'organizations';
						referencedColumns: ['id'];
					}
				];
			};
			push_subscriptions: {
				Row: {
					auth: string;
					created_at: string;
					endpoint: string;
					id: string;
					last_used_at: string | null;
					p256dh: string;
					user_agent: string | null;
					user_id: string;
				};
				ComputedFields: never;
				Insert: {
					auth: string;
					created_at?: string;
					endpoint: string;
					id?: string;
					last_used_at?: string | null;
					p256dh: string;
					user_agent?: string | null;
					user_id: string;
				};
				Update: {
					auth?: string;
					created_at?: string;
					endpoint?: string;
					id?: string;
					last_used_at?: string | null;
					p256dh?: string;
					user_agent?: string | null;
					user_id?: string;
				};
				Relationships: [
					{
						foreignKeyName: 'push_subscriptions_user_id_fkey';
						columns: ['user_id'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					}
				];
			};
			storage_deletions: {
				Row: {
					attempts: number;
					bucket_id: string;
					created_at: string;
					id: string;
					last_error: string | null;
					locked_at: string | null;
					object_name: string;
					organization_id: string | null;
					reason: string;
					requested_by: string | null;
				};
				ComputedFields: never;
				Insert: {
					attempts?: number;
					bucket_id: string;
					created_at?: string;
					id?: string;
					last_error?: string | null;
					locked_at?: string | null;
					object_name: string;
					organization_id?: string | null;
					reason: string;
					requested_by?: string | null;
				};
				Update: {
					attempts?: number;
					bucket_id?: string;
					created_at?: string;
					id?: string;
					last_error?: string | null;
					locked_at?: string | null;
					object_name?: string;
					organization_id?: string | null;
					reason?: string;
					requested_by?: string | null;
				};
				Relationships: [
					{
						foreignKeyName: 'storage_deletions_organization_id_fkey';
						columns: ['organization_id'];
						isOneToOne: false;
						referencedRelation: 'organizations';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'storage_deletions_requested_by_fkey';
						columns: ['requested_by'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					}
				];
			};
			user_blocks: {
				Row: {
					blocked_id: string;
					blocker_id: string;
					created_at: string;
					id: string;
					organization_id: string;
				};
				ComputedFields: never;
				Insert: {
					blocked_id: string;
					blocker_id: string;
					created_at?: string;
					id?: string;
					organization_id: string;
				};
				Update: {
					blocked_id?: string;
					blocker_id?: string;
					created_at?: string;
					id?: string;
					organization_id?: string;
				};
				Relationships: [
					{
						foreignKeyName: 'user_blocks_blocked_id_fkey';
						columns: ['blocked_id'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'user_blocks_blocker_id_fkey';
						columns: ['blocker_id'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'user_blocks_organization_id_fkey';
						columns: ['organization_id'];
						isOneToOne: false;
						referencedRelation: 'organizations';
						referencedColumns: ['id'];
					}
				];
			};
			workout_assignments: {
				Row: {
					assigned_by: string;
					completed_at: string | null;
					created_at: string;
					date: string;
					deleted_at: string | null;
					id: string;
					kind: Database['public']['Enums']['assignment_kind'];
					note: string | null;
					organization_id: string;
					program_id: string | null;
					publish_at: string | null;
					published: boolean;
					skip_reason: string | null;
					snapshot_workout_id: string | null;
					sort_order: number;
					status: Database['public']['Enums']['assignment_status'];
					updated_at: string;
					user_id: string;
					workout_id: string | null;
				};
				ComputedFields: never;
				Insert: {
					assigned_by?: string;
					completed_at?: string | null;
					created_at?: string;
					date: string;
					deleted_at?: string | null;
					id?: string;
					kind?: Database['public']['Enums']['assignment_kind'];
					note?: string | null;
					organization_id: string;
					program_id?: string | null;
					publish_at?: string | null;
					published?: boolean;
					skip_reason?: string | null;
					snapshot_workout_id?: string | null;
					sort_order?: number;
					status?: Database['public']['Enums']['assignment_status'];
					updated_at?: string;
					user_id: string;
					workout_id?: string | null;
				};
				Update: {
					assigned_by?: string;
					completed_at?: string | null;
					created_at?: string;
					date?: string;
					deleted_at?: string | null;
					id?: string;
					kind?: Database['public']['Enums']['assignment_kind'];
					note?: string | null;
					organization_id?: string;
					program_id?: string | null;
					publish_at?: string | null;
					published?: boolean;
					skip_reason?: string | null;
					snapshot_workout_id?: string | null;
					sort_order?: number;
					status?: Database['public']['Enums']['assignment_status'];
					updated_at?: string;
					user_id?: string;
					workout_id?: string | null;
				};
				Relationships: [
					{
						foreignKeyName: 'workout_assignments_assigned_by_fkey';
						columns: ['assigned_by'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'workout_assignments_organization_id_fkey';
						columns: ['organization_id'];
						isOneToOne: false;
						referencedRelation: 'organizations';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'workout_assignments_program_id_fkey';
						columns: ['program_id'];
						isOneToOne: false;
						referencedRelation: 'programs';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'workout_assignments_snapshot_workout_id_fkey';
						columns: ['snapshot_workout_id'];
						isOneToOne: false;
						referencedRelation: 'workouts';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'workout_assignments_user_id_fkey';
						columns: ['user_id'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'workout_assignments_workout_id_fkey';
						columns: ['workout_id'];
						isOneToOne: false;
						referencedRelation: 'workouts';
						referencedColumns: ['id'];
					}
				];
			};
			workout_comment_reads: {
				Row: {
					id: string;
					last_read_at: string | null;
					organization_id: string;
					program_id: string | null;
					unread_count: number;
					updated_at: string;
					user_id: string;
					workout_assignment_id: string;
				};
				ComputedFields: never;
				Insert: {
					id?: string;
					last_read_at?: string | null;
					organization_id: string;
					program_id?: string | null;
					unread_count?: number;
					updated_at?: string;
					user_id: string;
					workout_assignment_id: string;
				};
				Update: {
					id?: string;
					last_read_at?: string | null;
					organization_id?: string;
					program_id?: string | null;
					unread_count?: number;
					updated_at?: string;
					user_id?: string;
					workout_assignment_id?: string;
				};
				Relationships: [
					{
						foreignKeyName: 'workout_comment_reads_organization_id_fkey';
						columns: ['organization_id'];
						isOneToOne: false;
						referencedRelation: 'organizations';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'workout_comment_reads_program_id_fkey';
						columns: ['program_id'];
						isOneToOne: false;
						referencedRelation: 'programs';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'workout_comment_reads_user_id_fkey';
						columns: ['user_id'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'workout_comment_reads_workout_assignment_id_fkey';
						columns: ['workout_assignment_id'];
						isOneToOne: false;
						referencedRelation: 'workout_assignments';
						referencedColumns: ['id'];
					}
				];
			};
			workout_feed_posts: {
				Row: {
					created_at: string;
					created_by: string | null;
					deleted_at: string | null;
					id: string;
					note: string | null;
					organization_id: string;
					program_id: string;
					publish_at: string;
					snapshot_workout_id: string | null;
					updated_at: string;
					workout_id: string;
				};
				ComputedFields: never;
				Insert: {
					created_at?: string;
					created_by?: string | null;
					deleted_at?: string | null;
					id?: string;
					note?: string | null;
					organization_id: string;
					program_id: string;
					publish_at?: string;
					snapshot_workout_id?: string | null;
					updated_at?: string;
					workout_id: string;
				};
				Update: {
					created_at?: string;
					created_by?: string | null;
					deleted_at?: string | null;
					id?: string;
					note?: string | null;
					organization_id?: string;
					program_id?: string;
					publish_at?: string;
					snapshot_workout_id?: string | null;
					updated_at?: string;
					workout_id?: string;
				};
				Relationships: [
					{
						foreignKeyName: 'workout_feed_posts_created_by_fkey';
						columns: ['created_by'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'workout_feed_posts_organization_id_fkey';
						columns: ['organization_id'];
						isOneToOne: false;
						referencedRelation: 'organizations';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'workout_feed_posts_program_id_fkey';
						columns: ['program_id'];
						isOneToOne: false;
						referencedRelation: 'programs';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'workout_feed_posts_snapshot_workout_id_fkey';
						columns: ['snapshot_workout_id'];
						isOneToOne: false;
						referencedRelation: 'workouts';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'workout_feed_posts_workout_id_fkey';
						columns: ['workout_id'];
						isOneToOne: false;
						referencedRelation: 'workouts';
						referencedColumns: ['id'];
					}
				];
			};
			workout_movements: {
				Row: {
					created_at: string;
					distance_meters: number | null;
					id: string;
					load: number | null;
					load_unit: Database['public']['Enums']['load_unit'] | null;
					name: string;
					notes: string | null;
					organization_id: string;
					position: number;
					rep_scheme: string | null;
					reps: number | null;
					section_id: string;
					sets: number | null;
					time_seconds: number | null;
					updated_at: string;
					workout_id: string;
				};
				ComputedFields: never;
				Insert: {
					created_at?: string;
					distance_meters?: number | null;
					id?: string;
					load?: number | null;
					load_unit?: Database['public']['Enums']['load_unit'] | null;
					name: string;
					notes?: string | null;
					organization_id: string;
					position?: number;
					rep_scheme?: string | null;
					reps?: number | null;
					section_id: string;
					sets?: number | null;
					time_seconds?: number | null;
					updated_at?: string;
					workout_id: string;
				};
				Update: {
					created_at?: string;
					distance_meters?: number | null;
					id?: string;
					load?: number | null;
					load_unit?: Database['public']['Enums']['load_unit'] | null;
					name?: string;
					notes?: string | null;
					organization_id?: string;
					position?: number;
					rep_scheme?: string | null;
					reps?: number | null;
					section_id?: string;
					sets?: number | null;
					time_seconds?: number | null;
					updated_at?: string;
					workout_id?: string;
				};
				Relationships: [
					{
						foreignKeyName: 'workout_movements_organization_id_fkey';
						columns: ['organization_id'];
						isOneToOne: false;
						referencedRelation: 'organizations';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'workout_movements_section_id_fkey';
						columns: ['section_id'];
						isOneToOne: false;
						referencedRelation: 'workout_sections';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'workout_movements_workout_id_fkey';
						columns: ['workout_id'];
						isOneToOne: false;
						referencedRelation: 'workouts';
						referencedColumns: ['id'];
					}
				];
			};
			workout_results: {
				Row: {
					created_at: string;
					id: string;
					movement_results: NonNullable<Json>;
					notes: string | null;
					organization_id: string;
					performed_at: string;
					program_id: string | null;
					rpe: number | null;
					score: string | null;
					updated_at: string;
					user_id: string;
					workout_assignment_id: string | null;
					workout_id: string;
				};
				ComputedFields: never;
				Insert: {
					created_at?: string;
					id?: string;
					movement_results?: NonNullable<Json>;
					notes?: string | null;
					organization_id: string;
					performed_at?: string;
					program_id?: string | null;
					rpe?: number | null;
					score?: string | null;
					updated_at?: string;
					user_id: string;
					workout_assignment_id?: string | null;
					workout_id: string;
				};
				Update: {
					created_at?: string;
					id?: string;
					movement_results?: NonNullable<Json>;
					notes?: string | null;
					organization_id?: string;
					performed_at?: string;
					program_id?: string | null;
					rpe?: number | null;
					score?: string | null;
					updated_at?: string;
					user_id?: string;
					workout_assignment_id?: string | null;
					workout_id?: string;
				};
				Relationships: [
					{
						foreignKeyName: 'workout_results_organization_id_fkey';
						columns: ['organization_id'];
						isOneToOne: false;
						referencedRelation: 'organizations';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'workout_results_user_id_fkey';
						columns: ['user_id'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'workout_results_workout_assignment_id_fkey';
						columns: ['workout_assignment_id'];
						isOneToOne: false;
						referencedRelation: 'workout_assignments';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'workout_results_workout_id_fkey';
						columns: ['workout_id'];
						isOneToOne: false;
						referencedRelation: 'workouts';
						referencedColumns: ['id'];
					}
				];
			};
			workout_sections: {
				Row: {
					created_at: string;
					id: string;
					notes: string | null;
					organization_id: string;
					position: number;
					title: string;
					updated_at: string;
					workout_id: string;
				};
				ComputedFields: never;
				Insert: {
					created_at?: string;
					id?: string;
					notes?: string | null;
					organization_id: string;
					position?: number;
					title: string;
					updated_at?: string;
					workout_id: string;
				};
				Update: {
					created_at?: string;
					id?: string;
					notes?: string | null;
					organization_id?: string;
					position?: number;
					title?: string;
					updated_at?: string;
					workout_id?: string;
				};
				Relationships: [
					{
						foreignKeyName: 'workout_sections_organization_id_fkey';
						columns: ['organization_id'];
						isOneToOne: false;
						referencedRelation: 'organizations';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'workout_sections_workout_id_fkey';
						columns: ['workout_id'];
						isOneToOne: false;
						referencedRelation: 'workouts';
						referencedColumns: ['id'];
					}
				];
			};
			workouts: {
				Row: {
					archived_at: string | null;
					created_at: string;
					created_by: string | null;
					description: string | null;
					id: string;
					is_snapshot: boolean;
					organization_id: string;
					source_workout_id: string | null;
					title: string;
					updated_at: string;
				};
				ComputedFields: never;
				Insert: {
					archived_at?: string | null;
					created_at?: string;
					created_by?: string | null;
					description?: string | null;
					id?: string;
					is_snapshot?: boolean;
					organization_id: string;
					source_workout_id?: string | null;
					title: string;
					updated_at?: string;
				};
				Update: {
					archived_at?: string | null;
					created_at?: string;
					created_by?: string | null;
					description?: string | null;
					id?: string;
					is_snapshot?: boolean;
					organization_id?: string;
					source_workout_id?: string | null;
					title?: string;
					updated_at?: string;
				};
				Relationships: [
					{
						foreignKeyName: 'workouts_created_by_fkey';
						columns: ['created_by'];
						isOneToOne: false;
						referencedRelation: 'profiles';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'workouts_organization_id_fkey';
						columns: ['organization_id'];
						isOneToOne: false;
						referencedRelation: 'organizations';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'workouts_source_workout_id_fkey';
						columns: ['source_workout_id'];
						isOneToOne: false;
						referencedRelation: 'workouts';
						referencedColumns: ['id'];
					}
				];
			};
		};
		Views: {
			[_ in never]: never;
		};
		Functions: {
			accept_invitation: {
				Args: { p_token: string };
				Returns: {
					created_at: string;
					id: string;
					organization_id: string;
					removed_at: string | null;
					removed_by: string | null;
					role: Database['public']['Enums']['membership_role'];
					status: Database['public']['Enums']['membership_status'];
					updated_at: string;
					user_id: string;
				};
				SetofOptions: {
					from: '*';
					to: 'memberships';
					isOneToOne: true;
					isSetofReturn: false;
				};
			};
			add_exercise_comment: {
				Args: { p_body: string; p_parent_comment_id?: string; p_workout_movement_id: string };
				Returns: {
					author_id: string;
					body: string;
					created_at: string;
					deleted_at: string | null;
					id: string;
					organization_id: string;
					parent_comment_id: string | null;
					updated_at: string;
					workout_movement_id: string;
				};
				SetofOptions: {
					from: '*';
					to: 'exercise_comments';
					isOneToOne: true;
					isSetofReturn: false;
				};
			};
			announcement_feed: {
				Args: {
					p_before?: string;
					p_before_id?: string;
					p_limit?: number;
					p_organization_id: string;
				};
				Returns: {
					attachments: Json;
					audience_count: number;
					author_id: string;
					author_name: string;
					body: string;
					created_at: string;
					edited_at: string;
					id: string;
					organization_id: string;
					pinned: boolean;
					pinned_until: string;
					program_id: string;
					program_name: string;
					read: boolean;
					seen_count: number;
				}[];
			};
			announcement_seen_by: {
				Args: { p_id: string };
				Returns: {
					audience: number;
					readers: Json;
					seen: number;
				}[];
			};
			apply_program_template: {
				Args: {
					p_athlete_ids: string[];
					p_publish?: boolean;
					p_start_date: string;
					p_template_id: string;
				};
				Returns: {
					assigned_by: string;
					completed_at: string | null;
					created_at: string;
					date: string;
					deleted_at: string | null;
					id: string;
					kind: Database['public']['Enums']['assignment_kind'];
					note: string | null;
					organization_id: string;
					program_id: string | null;
					publish_at: string | null;
					published: boolean;
					skip_reason: string | null;
					snapshot_workout_id: string | null;
					sort_order: number;
					status: Database['public']['Enums']['assignment_status'];
					updated_at: string;
					user_id: string;
					workout_id: string | null;
				}[];
				SetofOptions: {
					from: '*';
					to: 'workout_assignments';
					isOneToOne: false;
					isSetofReturn: true;
				};
			};
			assign_feed: {
				Args: {
					p_note?: string;
					p_program_id: string;
					p_publish_at?: string;
					p_workout_id: string;
				};
				Returns: {
					created_at: string;
					created_by: string | null;
					deleted_at: string | null;
					id: string;
					note: string | null;
					organization_id: string;
					program_id: string;
					publish_at: string;
					snapshot_workout_id: string | null;
					updated_at: string;
					workout_id: string;
				};
				SetofOptions: {
					from: '*';
					to: 'workout_feed_posts';
					isOneToOne: true;
					isSetofReturn: false;
				};
			};
			assign_personal: {
				Args: {
					p_athlete_ids: string[];
					p_date: string;
					p_kind?: Database['public']['Enums']['assignment_kind'];
					p_mode?: string;
					p_note?: string;
					p_organization_id: string;
					p_program_id?: string;
					p_sort_order?: number;
					p_workout_id?: string;
				};
				Returns: {
					assigned_by: string;
					completed_at: string | null;
					created_at: string;
					date: string;
					deleted_at: string | null;
					id: string;
					kind: Database['public']['Enums']['assignment_kind'];
					note: string | null;
					organization_id: string;
					program_id: string | null;
					publish_at: string | null;
					published: boolean;
					skip_reason: string | null;
					snapshot_workout_id: string | null;
					sort_order: number;
					status: Database['public']['Enums']['assignment_status'];
					updated_at: string;
					user_id: string;
					workout_id: string | null;
				}[];
				SetofOptions: {
					from: '*';
					to: 'workout_assignments';
					isOneToOne: false;
					isSetofReturn: true;
				};
			};
			assign_schedule: {
				Args: { p_organization_id: string; p_sessions: Json; p_workout_ids: string[] };
				Returns: {
					capacity: number | null;
					class_type_id: string | null;
					coach_id: string | null;
					created_at: string;
					created_by: string | null;
					ends_at: string;
					id: string;
					location: string | null;
					notes: string | null;
					organization_id: string;
					program_id: string | null;
					starts_at: string;
					updated_at: string;
				}[];
				SetofOptions: {
					from: '*';
					to: 'class_sessions';
					isOneToOne: false;
					isSetofReturn: true;
				};
			};
			assignment_previous_results: {
				Args: { p_assignment_id: string };
				Returns: {
					load: number;
					load_unit: string;
					movement_id: string;
					performed_at: string;
					reps: number;
					set_results: Json;
				}[];
			};
			assignment_results: {
				Args: { p_assignment_id: string };
				Returns: {
					assignment_date: string;
					assignment_id: string;
					display_name: string;
					id: string;
					movements: Json;
					notes: string;
					performed_at: string;
					program_id: string;
					program_name: string;
					records: Database['public']['Tables']['personal_records']['Row'][];
					rpe: number;
					score: string;
					user_id: string;
					workout_id: string;
					workout_title: string;
				}[];
			};
			athlete_profile: {
				Args: { p_as_of?: string; p_organization_id: string; p_user_id: string; p_weeks?: number };
				Returns: {
					avatar_path: string;
					comments: Json;
					compliance: Json;
					display_name: string;
					member_since: string;
					notes: Json;
					programs: Json;
					recent_results: Json;
					records: Database['public']['Tables']['personal_records']['Row'][];
					role: Database['public']['Enums']['membership_role'];
					time_zone: string;
					today: string;
					upcoming: Json;
					user_id: string;
				}[];
			};
			block_user: {
				Args: { p_organization_id: string; p_user_id: string };
				Returns: {
					blocked_id: string;
					blocker_id: string;
					created_at: string;
					id: string;
					organization_id: string;
				};
				SetofOptions: {
					from: '*';
					to: 'user_blocks';
					isOneToOne: true;
					isSetofReturn: false;
				};
			};
			bulk_delete_assignments: {
				Args: { p_filter: Json };
				Returns: {
					batch_id: string;
					count: number;
					ids: string[];
				}[];
			};
			bulk_preview_assignments: {
				Args: { p_filter: Json };
				Returns: {
					count: number;
					samples: Database['public']['Tables']['workout_assignments']['Row'][];
				}[];
			};
			bulk_publish_assignments: {
				Args: { p_filter: Json };
				Returns: {
					batch_id: string;
					count: number;
					ids: string[];
				}[];
			};
			change_member_role: {
				Args: { p_membership_id: string; p_role: Database['public']['Enums']['membership_role'] };
				Returns: {
					created_at: string;
					id: string;
					organization_id: string;
					removed_at: string | null;
					removed_by: string | null;
					role: Database['public']['Enums']['membership_role'];
					status: Database['public']['Enums']['membership_status'];
					updated_at: string;
					user_id: string;
				};
				SetofOptions: {
					from: '*';
					to: 'memberships';
					isOneToOne: true;
					isSetofReturn: false;
				};
			};
			coach_calendar_week: {
				Args: {
					p_limit?: number;
					p_offset?: number;
					p_organization_id: string;
					p_program_id?: string;
					p_search?: string;
					p_week_start: string;
				};
				Returns: {
					cell: Database['public']['Tables']['workout_assignments']['Row'];
					display_name: string;
					time_zone: string;
					title: string;
					user_id: string;
				}[];
			};
			coach_overview: {
				Args: {
					p_as_of?: string;
					p_limit?: number;
					p_offset?: number;
					p_organization_id: string;
					p_search?: string;
					p_sort?: string;
					p_status?: string;
				};
				Returns: {
					as_of: string;
					completed: number;
					compliance_pct: number;
					count_all: number;
					count_at_risk: number;
					count_on_track: number;
					count_overdue: number;
					count_quiet: number;
					display_name: string;
					kpi_active_athletes: number;
					kpi_completed: number;
					kpi_compliance_pct: number;
					kpi_overdue: number;
					kpi_overdue_athletes: number;
					kpi_planned: number;
					kpi_skipped: number;
					last_completed_at: string;
					overdue: number;
					page_limit: number;
					page_offset: number;
					planned: number;
					skipped: number;
					sparkline: Json;
					status: Database['public']['Enums']['traffic_light'];
					total: number;
					user_id: string;
					window_from: string;
					window_to: string;
				}[];
			};
			coach_week: {
				Args: {
					p_after_athlete_id?: string;
					p_athlete_id?: string;
					p_athletes?: number;
					p_organization_id: string;
					p_program_id?: string;
					p_week_start: string;
				};
				Returns: {
					assigned_by: string;
					completed_at: string | null;
					created_at: string;
					date: string;
					deleted_at: string | null;
					id: string;
					kind: Database['public']['Enums']['assignment_kind'];
					note: string | null;
					organization_id: string;
					program_id: string | null;
					publish_at: string | null;
					published: boolean;
					skip_reason: string | null;
					snapshot_workout_id: string | null;
					sort_order: number;
					status: Database['public']['Enums']['assignment_status'];
					updated_at: string;
					user_id: string;
					workout_id: string | null;
				}[];
				SetofOptions: {
					from: '*';
					to: 'workout_assignments';
					isOneToOne: false;
					isSetofReturn: true;
				};
			};
			complete_assignment: {
				Args: { p_id: string };
				Returns: {
					assigned_by: string;
					completed_at: string | null;
					created_at: string;
					date: string;
					deleted_at: string | null;
					id: string;
					kind: Database['public']['Enums']['assignment_kind'];
					note: string | null;
					organization_id: string;
					program_id: string | null;
					publish_at: string | null;
					published: boolean;
					skip_reason: string | null;
					snapshot_workout_id: string | null;
					sort_order: number;
					status: Database['public']['Enums']['assignment_status'];
					updated_at: string;
					user_id: string;
					workout_id: string | null;
				};
				SetofOptions: {
					from: '*';
					to: 'workout_assignments';
					isOneToOne: true;
					isSetofReturn: false;
				};
			};
			conversation_messages: {
				Args: {
					p_after?: string;
					p_after_id?: string;
					p_before?: string;
					p_before_id?: string;
					p_limit?: number;
					p_organization_id: string;
					p_other_user_id: string;
				};
				Returns: {
					attachment_count: number;
					attachments: Json;
					client_id: string;
					content: string;
					created_at: string;
					deleted_at: string;
					edited_at: string;
					id: string;
					is_read: boolean;
					organization_id: string;
					read_at: string;
					recipient_id: string;
					sender_id: string;
					sender_role: Database['public']['Enums']['sender_role'];
					updated_at: string;
					workout_assignment_id: string;
				}[];
			};
			create_invitation_link: {
				Args: {
					p_organization_id: string;
					p_role?: Database['public']['Enums']['membership_role'];
					p_valid_for?: string;
				};
				Returns: {
					accepted_at: string | null;
					accepted_by: string | null;
					created_at: string;
					email: string | null;
					expires_at: string;
					id: string;
					invited_by: string;
					organization_id: string;
					revoked_at: string | null;
					role: Database['public']['Enums']['membership_role'];
					token: string;
				};
				SetofOptions: {
					from: '*';
					to: 'invitations';
					isOneToOne: true;
					isSetofReturn: false;
				};
			};
			create_organization: {
				Args: { p_name: string; p_slug: string; p_time_zone?: string };
				Returns: {
					created_at: string;
					created_by: string | null;
					id: string;
					member_dm_enabled: boolean;
					name: string;
					slug: string;
					time_zone: string;
					updated_at: string;
				};
				SetofOptions: {
					from: '*';
					to: 'organizations';
					isOneToOne: true;
					isSetofReturn: false;
				};
			};
			create_workout: {
				Args: {
					p_description: string;
					p_organization_id: string;
					p_sections: Json;
					p_title: string;
				};
				Returns: string;
			};
			delete_announcement: {
				Args: { p_id: string; p_reason?: string };
				Returns: {
					author_id: string;
					body: string;
					created_at: string;
					deleted_at: string | null;
					edited_at: string | null;
					id: string;
					organization_id: string;
					pinned_until: string | null;
					program_id: string | null;
					updated_at: string;
				};
				SetofOptions: {
					from: '*';
					to: 'announcements';
					isOneToOne: true;
					isSetofReturn: false;
				};
			};
			delete_assignment: {
				Args: { p_id: string };
				Returns: {
					assigned_by: string;
					completed_at: string | null;
					created_at: string;
					date: string;
					deleted_at: string | null;
					id: string;
					kind: Database['public']['Enums']['assignment_kind'];
					note: string | null;
					organization_id: string;
					program_id: string | null;
					publish_at: string | null;
					published: boolean;
					skip_reason: string | null;
					snapshot_workout_id: string | null;
					sort_order: number;
					status: Database['public']['Enums']['assignment_status'];
					updated_at: string;
					user_id: string;
					workout_id: string | null;
				};
				SetofOptions: {
					from: '*';
					to: 'workout_assignments';
					isOneToOne: true;
					isSetofReturn: false;
				};
			};
			delete_exercise_comment: {
				Args: { p_id: string };
				Returns: {
					author_id: string;
					body: string;
					created_at: string;
					deleted_at: string | null;
					id: string;
					organization_id: string;
					parent_comment_id: string | null;
					updated_at: string;
					workout_movement_id: string;
				};
				SetofOptions: {
					from: '*';
					to: 'exercise_comments';
					isOneToOne: true;
					isSetofReturn: false;
				};
			};
			delete_message: {
				Args: { p_message_id: string };
				Returns: {
					attachment_count: number;
					client_id: string | null;
					content: string | null;
					created_at: string;
					deleted_at: string | null;
					edited_at: string | null;
					id: string;
					organization_id: string;
					participant_high: string;
					participant_low: string;
					read_at: string | null;
					recipient_id: string;
					search_vector: unknown;
					sender_id: string;
					sender_role: Database['public']['Enums']['sender_role'];
					updated_at: string;
					workout_assignment_id: string | null;
				};
				SetofOptions: {
					from: '*';
					to: 'messages';
					isOneToOne: true;
					isSetofReturn: false;
				};
			};
			delete_my_account: { Args: Record<PropertyKey, never>; Returns: Json };
			edit_announcement: {
				Args: {
					p_add_object_paths?: string[];
					p_body: string;
					p_id: string;
					p_pinned_until?: string;
					p_remove_attachment_ids?: string[];
				};
				Returns: {
					author_id: string;
					body: string;
					created_at: string;
					deleted_at: string | null;
					edited_at: string | null;
					id: string;
					organization_id: string;
					pinned_until: string | null;
					program_id: string | null;
					updated_at: string;
				};
				SetofOptions: {
					from: '*';
					to: 'announcements';
					isOneToOne: true;
					isSetofReturn: false;
				};
			};
			edit_exercise_comment: {
				Args: { p_body: string; p_id: string };
				Returns: {
					author_id: string;
					body: string;
					created_at: string;
					deleted_at: string | null;
					id: string;
					organization_id: string;
					parent_comment_id: string | null;
					updated_at: string;
					workout_movement_id: string;
				};
				SetofOptions: {
					from: '*';
					to: 'exercise_comments';
					isOneToOne: true;
					isSetofReturn: false;
				};
			};
			edit_message: {
				Args: { p_content: string; p_message_id: string };
				Returns: {
					attachment_count: number;
					client_id: string | null;
					content: string | null;
					created_at: string;
					deleted_at: string | null;
					edited_at: string | null;
					id: string;
					organization_id: string;
					participant_high: string;
					participant_low: string;
					read_at: string | null;
					recipient_id: string;
					search_vector: unknown;
					sender_id: string;
					sender_role: Database['public']['Enums']['sender_role'];
					updated_at: string;
					workout_assignment_id: string | null;
				};
				SetofOptions: {
					from: '*';
					to: 'messages';
					isOneToOne: true;
					isSetofReturn: false;
				};
			};
			erase_member: { Args: { p_organization_id: string; p_user_id: string }; Returns: Json };
			fork_snapshot_if_needed: { Args: { p_assignment_id: string }; Returns: string };
			get_assignment: {
				Args: { p_id: string };
				Returns: {
					assignment: Database['public']['Tables']['workout_assignments']['Row'];
					movements: Database['public']['Tables']['workout_movements']['Row'][];
					sections: Database['public']['Tables']['workout_sections']['Row'][];
					workout: Database['public']['Tables']['workouts']['Row'];
				}[];
			};
			get_invitation: {
				Args: { p_token: string };
				Returns: {
					email: string;
					expires_at: string;
					for_you: boolean;
					organization_id: string;
					organization_name: string;
					role: Database['public']['Enums']['membership_role'];
					signed_in_as: string;
					status: string;
				}[];
			};
			get_or_create_conversation: {
				Args: { p_organization_id: string; p_other_user_id: string };
				Returns: {
					conversation_id: string;
					last_activity_at: string;
					last_message_at: string;
					last_message_deleted: boolean;
					last_message_id: string;
					last_message_preview: string;
					last_message_sender_id: string;
					last_read_at: string;
					muted: boolean;
					organization_id: string;
					other_avatar_path: string;
					other_display_name: string;
					other_user_id: string;
					unread_count: number;
				}[];
			};
			invite_member: {
				Args: {
					p_email: string;
					p_organization_id: string;
					p_role?: Database['public']['Enums']['membership_role'];
				};
				Returns: {
					accepted_at: string | null;
					accepted_by: string | null;
					created_at: string;
					email: string | null;
					expires_at: string;
					id: string;
					invited_by: string;
					organization_id: string;
					revoked_at: string | null;
					role: Database['public']['Enums']['membership_role'];
					token: string;
				};
				SetofOptions: {
					from: '*';
					to: 'invitations';
					isOneToOne: true;
					isSetofReturn: false;
				};
			};
			latest_unread_announcement: {
				Args: { p_organization_id: string };
				Returns: {
					attachments: Json;
					author_name: string;
					body: string;
					created_at: string;
					id: string;
					program_id: string;
				}[];
			};
			list_conversations: {
				Args: {
					p_before?: string;
					p_before_id?: string;
					p_limit?: number;
					p_organization_id: string;
				};
				Returns: {
					conversation_id: string;
					last_activity_at: string;
					last_message_at: string;
					last_message_deleted: boolean;
					last_message_id: string;
					last_message_preview: string;
					last_message_sender_id: string;
					last_read_at: string;
					muted: boolean;
					organization_id: string;
					other_avatar_path: string;
					other_display_name: string;
					other_user_id: string;
					unread_count: number;
				}[];
			};
			list_my_blocks: {
				Args: Record<PropertyKey, never>;
				Returns: {
					avatar_path: string;
					blocked_id: string;
					created_at: string;
					display_name: string;
					organization_id: string;
				}[];
			};
			log_workout_result: {
				Args: {
					p_assignment_id: string;
					p_id?: string;
					p_movement_results?: Json;
					p_notes?: string;
					p_organization_slug?: string;
					p_rpe?: number;
					p_score?: string;
				};
				Returns: string;
			};
			mark_announcement_read: { Args: { p_id: string }; Returns: boolean };
			mark_conversation_read: {
				Args: { p_organization_id: string; p_other_user_id: string };
				Returns: number;
			};
			mark_message_read: {
				Args: { p_message_id: string };
				Returns: {
					attachment_count: number;
					client_id: string | null;
					content: string | null;
					created_at: string;
					deleted_at: string | null;
					edited_at: string | null;
					id: string;
					organization_id: string;
					participant_high: string;
					participant_low: string;
					read_at: string | null;
					recipient_id: string;
					search_vector: unknown;
					sender_id: string;
					sender_role: Database['public']['Enums']['sender_role'];
					updated_at: string;
					workout_assignment_id: string | null;
				};
				SetofOptions: {
					from: '*';
					to: 'messages';
					isOneToOne: true;
					isSetofReturn: false;
				};
			};
			mark_workout_comments_read: { Args: { p_assignment_id: string }; Returns: number };
			messages_since: {
				Args: { p_limit?: number; p_since: string; p_since_id?: string };
				Returns: {
					attachment_count: number;
					client_id: string;
					content: string;
					created_at: string;
					deleted_at: string;
					edited_at: string;
					id: string;
					organization_id: string;
					read_at: string;
					recipient_id: string;
					sender_id: string;
					sender_role: Database['public']['Enums']['sender_role'];
					updated_at: string;
					workout_assignment_id: string;
				}[];
			};
			moderate_delete_exercise_comment: {
				Args: { p_id: string; p_reason: string };
				Returns: {
					author_id: string;
					body: string;
					created_at: string;
					deleted_at: string | null;
					id: string;
					organization_id: string;
					parent_comment_id: string | null;
					updated_at: string;
					workout_movement_id: string;
				};
				SetofOptions: {
					from: '*';
					to: 'exercise_comments';
					isOneToOne: true;
					isSetofReturn: false;
				};
			};
			moderate_delete_message: {
				Args: { p_message_id: string; p_reason: string };
				Returns: {
					attachment_count: number;
					client_id: string | null;
					content: string | null;
					created_at: string;
					deleted_at: string | null;
					edited_at: string | null;
					id: string;
					organization_id: string;
					participant_high: string;
					participant_low: string;
					read_at: string | null;
					recipient_id: string;
					search_vector: unknown;
					sender_id: string;
					sender_role: Database['public']['Enums']['sender_role'];
					updated_at: string;
					workout_assignment_id: string | null;
				};
				SetofOptions: {
					from: '*';
					to: 'messages';
					isOneToOne: true;
					isSetofReturn: false;
				};
			};
			moderation_log: {
				Args: { p_before?: string; p_limit?: number; p_organization_id: string };
				Returns: {
					action: string;
					actor_id: string;
					actor_name: string;
					created_at: string;
					details: Json;
					entity_id: string;
					entity_type: string;
					id: string;
					reason: string;
				}[];
			};
			move_assignment: {
				Args: { p_date: string; p_id: string; p_sort_order?: number };
				Returns: {
					assigned_by: string;
					completed_at: string | null;
					created_at: string;
					date: string;
					deleted_at: string | null;
					id: string;
					kind: Database['public']['Enums']['assignment_kind'];
					note: string | null;
					organization_id: string;
					program_id: string | null;
					publish_at: string | null;
					published: boolean;
					skip_reason: string | null;
					snapshot_workout_id: string | null;
					sort_order: number;
					status: Database['public']['Enums']['assignment_status'];
					updated_at: string;
					user_id: string;
					workout_id: string | null;
				};
				SetofOptions: {
					from: '*';
					to: 'workout_assignments';
					isOneToOne: true;
					isSetofReturn: false;
				};
			};
			my_today: {
				Args: { p_now?: string };
				Returns: {
					assigned_by: string;
					completed_at: string | null;
					created_at: string;
					date: string;
					deleted_at: string | null;
					id: string;
					kind: Database['public']['Enums']['assignment_kind'];
					note: string | null;
					organization_id: string;
					program_id: string | null;
					publish_at: string | null;
					published: boolean;
					skip_reason: string | null;
					snapshot_workout_id: string | null;
					sort_order: number;
					status: Database['public']['Enums']['assignment_status'];
					updated_at: string;
					user_id: string;
					workout_id: string | null;
				}[];
				SetofOptions: {
					from: '*';
					to: 'workout_assignments';
					isOneToOne: false;
					isSetofReturn: true;
				};
			};
			my_week: {
				Args: { p_week_start: string };
				Returns: {
					assigned_by: string;
					completed_at: string | null;
					created_at: string;
					date: string;
					deleted_at: string | null;
					id: string;
					kind: Database['public']['Enums']['assignment_kind'];
					note: string | null;
					organization_id: string;
					program_id: string | null;
					publish_at: string | null;
					published: boolean;
					skip_reason: string | null;
					snapshot_workout_id: string | null;
					sort_order: number;
					status: Database['public']['Enums']['assignment_status'];
					updated_at: string;
					user_id: string;
					workout_id: string | null;
				}[];
				SetofOptions: {
					from: '*';
					to: 'workout_assignments';
					isOneToOne: false;
					isSetofReturn: true;
				};
			};
			post_announcement: {
				Args: {
					p_body: string;
					p_object_paths?: string[];
					p_organization_id: string;
					p_pinned_until?: string;
					p_program_id?: string;
				};
				Returns: {
					author_id: string;
					body: string;
					created_at: string;
					deleted_at: string | null;
					edited_at: string | null;
					id: string;
					organization_id: string;
					pinned_until: string | null;
					program_id: string | null;
					updated_at: string;
				};
				SetofOptions: {
					from: '*';
					to: 'announcements';
					isOneToOne: true;
					isSetofReturn: false;
				};
			};
			post_workout_comment: {
				Args: {
					p_assignment_id: string;
					p_client_id?: string;
					p_content: string;
					p_object_paths?: string[];
				};
				Returns: {
					attachment_count: number;
					client_id: string | null;
					content: string | null;
					created_at: string;
					deleted_at: string | null;
					edited_at: string | null;
					id: string;
					organization_id: string;
					participant_high: string;
					participant_low: string;
					read_at: string | null;
					recipient_id: string;
					search_vector: unknown;
					sender_id: string;
					sender_role: Database['public']['Enums']['sender_role'];
					updated_at: string;
					workout_assignment_id: string | null;
				};
				SetofOptions: {
					from: '*';
					to: 'messages';
					isOneToOne: true;
					isSetofReturn: false;
				};
			};
			program_comment_unread_counts: {
				Args: { p_organization_id: string };
				Returns: {
					program_id: string;
					unread: number;
				}[];
			};
			program_recent_comments: {
				Args: { p_before?: string; p_limit?: number; p_program_id: string };
				Returns: {
					assignment_date: string;
					athlete_id: string;
					attachment_count: number;
					content: string;
					created_at: string;
					edited_at: string;
					id: string;
					recipient_id: string;
					sender_id: string;
					sender_role: Database['public']['Enums']['sender_role'];
					workout_assignment_id: string;
				}[];
			};
			register_attachment: {
				Args: { p_message_id: string; p_object_path: string };
				Returns: {
					announcement_id: string | null;
					attach_order: number;
					created_at: string;
					height: number | null;
					id: string;
					message_id: string | null;
					mime_type: string;
					organization_id: string;
					r2_key: string;
					size: number;
					thumbnail_attempts: number;
					thumbnail_error: string | null;
					thumbnail_locked_at: string | null;
					thumbnail_r2_key: string | null;
					type: Database['public']['Enums']['attachment_type'];
					uploader_id: string;
					width: number | null;
				};
				SetofOptions: {
					from: '*';
					to: 'message_attachments';
					isOneToOne: true;
					isSetofReturn: false;
				};
			};
			register_push_subscription: {
				Args: { p_auth: string; p_endpoint: string; p_p256dh: string; p_user_agent?: string };
				Returns: {
					auth: string;
					created_at: string;
					endpoint: string;
					id: string;
					last_used_at: string | null;
					p256dh: string;
					user_agent: string | null;
					user_id: string;
				};
				SetofOptions: {
					from: '*';
					to: 'push_subscriptions';
					isOneToOne: true;
					isSetofReturn: false;
				};
			};
			remove_member: {
				Args: { p_membership_id: string };
				Returns: {
					created_at: string;
					id: string;
					organization_id: string;
					removed_at: string | null;
					removed_by: string | null;
					role: Database['public']['Enums']['membership_role'];
					status: Database['public']['Enums']['membership_status'];
					updated_at: string;
					user_id: string;
				};
				SetofOptions: {
					from: '*';
					to: 'memberships';
					isOneToOne: true;
					isSetofReturn: false;
				};
			};
			reopen_assignment: {
				Args: { p_id: string };
				Returns: {
					assigned_by: string;
					completed_at: string | null;
					created_at: string;
					date: string;
					deleted_at: string | null;
					id: string;
					kind: Database['public']['Enums']['assignment_kind'];
					note: string | null;
					organization_id: string;
					program_id: string | null;
					publish_at: string | null;
					published: boolean;
					skip_reason: string | null;
					snapshot_workout_id: string | null;
					sort_order: number;
					status: Database['public']['Enums']['assignment_status'];
					updated_at: string;
					user_id: string;
					workout_id: string | null;
				};
				SetofOptions: {
					from: '*';
					to: 'workout_assignments';
					isOneToOne: true;
					isSetofReturn: false;
				};
			};
			restore_assignment: {
				Args: { p_id: string };
				Returns: {
					assigned_by: string;
					completed_at: string | null;
					created_at: string;
					date: string;
					deleted_at: string | null;
					id: string;
					kind: Database['public']['Enums']['assignment_kind'];
					note: string | null;
					organization_id: string;
					program_id: string | null;
					publish_at: string | null;
					published: boolean;
					skip_reason: string | null;
					snapshot_workout_id: string | null;
					sort_order: number;
					status: Database['public']['Enums']['assignment_status'];
					updated_at: string;
					user_id: string;
					workout_id: string | null;
				};
				SetofOptions: {
					from: '*';
					to: 'workout_assignments';
					isOneToOne: true;
					isSetofReturn: false;
				};
			};
			results_feed: {
				Args: {
					p_before_at?: string;
					p_before_id?: string;
					p_limit?: number;
					p_organization_id: string;
					p_program_id?: string;
					p_user_id?: string;
				};
				Returns: {
					assignment_date: string;
					assignment_id: string;
					display_name: string;
					has_more: boolean;
					id: string;
					movements: Json;
					notes: string;
					performed_at: string;
					program_id: string;
					program_name: string;
					records: Database['public']['Tables']['personal_records']['Row'][];
					rpe: number;
					score: string;
					user_id: string;
					workout_id: string;
					workout_title: string;
				}[];
			};
			revoke_invitation: {
				Args: { p_invitation_id: string };
				Returns: {
					accepted_at: string | null;
					accepted_by: string | null;
					created_at: string;
					email: string | null;
					expires_at: string;
					id: string;
					invited_by: string;
					organization_id: string;
					revoked_at: string | null;
					role: Database['public']['Enums']['membership_role'];
					token: string;
				};
				SetofOptions: {
					from: '*';
					to: 'invitations';
					isOneToOne: true;
					isSetofReturn: false;
				};
			};
			save_weeks_as_template: {
				Args: {
					p_name: string;
					p_organization_id: string;
					p_program_id?: string;
					p_start_date: string;
					p_user_id: string;
					p_weeks: number;
				};
				Returns: string;
			};
			save_workout: {
				Args: { p_description: string; p_sections: Json; p_title: string; p_workout_id: string };
				Returns: string;
			};
			search_messages: {
				Args: { p_limit?: number; p_organization_id: string; p_query: string };
				Returns: {
					content: string;
					created_at: string;
					message_id: string;
					other_user_id: string;
					rank: number;
					sender_id: string;
				}[];
			};
			send_message: {
				Args: {
					p_client_id?: string;
					p_content: string;
					p_organization_id: string;
					p_recipient_id: string;
				};
				Returns: {
					attachment_count: number;
					client_id: string | null;
					content: string | null;
					created_at: string;
					deleted_at: string | null;
					edited_at: string | null;
					id: string;
					organization_id: string;
					participant_high: string;
					participant_low: string;
					read_at: string | null;
					recipient_id: string;
					search_vector: unknown;
					sender_id: string;
					sender_role: Database['public']['Enums']['sender_role'];
					updated_at: string;
					workout_assignment_id: string | null;
				};
				SetofOptions: {
					from: '*';
					to: 'messages';
					isOneToOne: true;
					isSetofReturn: false;
				};
			};
			send_message_with_attachments: {
				Args: {
					p_client_id?: string;
					p_content: string;
					p_object_paths?: string[];
					p_organization_id: string;
					p_recipient_id: string;
				};
				Returns: {
					attachment_count: number;
					client_id: string | null;
					content: string | null;
					created_at: string;
					deleted_at: string | null;
					edited_at: string | null;
					id: string;
					organization_id: string;
					participant_high: string;
					participant_low: string;
					read_at: string | null;
					recipient_id: string;
					search_vector: unknown;
					sender_id: string;
					sender_role: Database['public']['Enums']['sender_role'];
					updated_at: string;
					workout_assignment_id: string | null;
				};
				SetofOptions: {
					from: '*';
					to: 'messages';
					isOneToOne: true;
					isSetofReturn: false;
				};
			};
			session_context: {
				Args: Record<PropertyKey, never>;
				Returns: {
					aal: string;
					avatar_path: string;
					display_name: string;
					email: string;
					membership_id: string;
					membership_role: Database['public']['Enums']['membership_role'];
					organization_created_at: string;
					organization_created_by: string;
					organization_id: string;
					organization_member_dm_enabled: boolean;
					organization_name: string;
					organization_slug: string;
					organization_time_zone: string;
					organization_updated_at: string;
					profile_created_at: string;
					profile_deleted_at: string;
					profile_is_tombstone: boolean;
					profile_updated_at: string;
					read_receipts_enabled: boolean;
					second_factor_due: boolean;
					session_active: boolean;
					time_zone: string;
					user_id: string;
				}[];
			};
			set_assignments_published: {
				Args: { p_ids: string[]; p_published: boolean };
				Returns: number;
			};
			skip_assignment: {
				Args: { p_id: string; p_reason?: string };
				Returns: {
					assigned_by: string;
					completed_at: string | null;
					created_at: string;
					date: string;
					deleted_at: string | null;
					id: string;
					kind: Database['public']['Enums']['assignment_kind'];
					note: string | null;
					organization_id: string;
					program_id: string | null;
					publish_at: string | null;
					published: boolean;
					skip_reason: string | null;
					snapshot_workout_id: string | null;
					sort_order: number;
					status: Database['public']['Enums']['assignment_status'];
					updated_at: string;
					user_id: string;
					workout_id: string | null;
				};
				SetofOptions: {
					from: '*';
					to: 'workout_assignments';
					isOneToOne: true;
					isSetofReturn: false;
				};
			};
			total_unread: { Args: { p_organization_id?: string }; Returns: number };
			unblock_user: { Args: { p_user_id: string }; Returns: boolean };
			workout_comments: {
				Args: { p_assignment_id: string; p_before?: string; p_limit?: number };
				Returns: {
					attachment_count: number;
					attachments: Json;
					content: string;
					created_at: string;
					deleted_at: string;
					edited_at: string;
					id: string;
					organization_id: string;
					read_at: string;
					recipient_id: string;
					sender_id: string;
					sender_role: Database['public']['Enums']['sender_role'];
					workout_assignment_id: string;
				}[];
			};
		};
		Enums: {
			assignment_kind: 'workout' | 'rest' | 'note';
			assignment_status: 'assigned' | 'completed' | 'skipped';
			attachment_type: 'image' | 'video';
			load_unit: 'kg' | 'lb' | 'percent_1rm' | 'bodyweight';
			membership_role: 'owner' | 'admin' | 'coach' | 'member';
			membership_status: 'active' | 'removed';
			notification_status: 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';
			program_mode: 'coaching' | 'feed' | 'schedule';
			sender_role: 'coach' | 'member' | 'admin';
			traffic_light: 'overdue' | 'at_risk' | 'on_track' | 'quiet';
		};
		CompositeTypes: {
			[_ in never]: never;
		};
	};
};

type DatabaseWithoutInternals = Omit<Database, '__InternalSupabase'>;

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, 'public'>];

export type Tables<
	DefaultSchemaTableNameOrOptions extends
		| keyof (DefaultSchema['Tables'] & DefaultSchema['Views'])
		| { schema: keyof DatabaseWithoutInternals },
	TableName extends (DefaultSchemaTableNameOrOptions extends {
		schema: keyof DatabaseWithoutInternals;
	}
		? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables'] &
				DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Views'])
		: never) = never
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
	? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables'] &
			DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Views'])[TableName] extends {
			Row: infer R;
		}
		? R
		: never
	: DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema['Tables'] & DefaultSchema['Views'])
		? (DefaultSchema['Tables'] & DefaultSchema['Views'])[DefaultSchemaTableNameOrOptions] extends {
				Row: infer R;
			}
			? R
			: never
		: never;

export type TablesInsert<
	DefaultSchemaTableNameOrOptions extends
		keyof DefaultSchema['Tables'] | { schema: keyof DatabaseWithoutInternals },
	TableName extends (DefaultSchemaTableNameOrOptions extends {
		schema: keyof DatabaseWithoutInternals;
	}
		? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables']
		: never) = never
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
	? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables'][TableName] extends {
			Insert: infer I;
		}
		? I
		: never
	: DefaultSchemaTableNameOrOptions extends keyof DefaultSchema['Tables']
		? DefaultSchema['Tables'][DefaultSchemaTableNameOrOptions] extends {
				Insert: infer I;
			}
			? I
			: never
		: never;

export type TablesUpdate<
	DefaultSchemaTableNameOrOptions extends
		keyof DefaultSchema['Tables'] | { schema: keyof DatabaseWithoutInternals },
	TableName extends (DefaultSchemaTableNameOrOptions extends {
		schema: keyof DatabaseWithoutInternals;
	}
		? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables']
		: never) = never
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
	? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables'][TableName] extends {
			Update: infer U;
		}
		? U
		: never
	: DefaultSchemaTableNameOrOptions extends keyof DefaultSchema['Tables']
		? DefaultSchema['Tables'][DefaultSchemaTableNameOrOptions] extends {
				Update: infer U;
			}
			? U
			: never
		: never;

export type Enums<
	DefaultSchemaEnumNameOrOptions extends
		keyof DefaultSchema['Enums'] | { schema: keyof DatabaseWithoutInternals },
	EnumName extends (DefaultSchemaEnumNameOrOptions extends {
		schema: keyof DatabaseWithoutInternals;
	}
		? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions['schema']]['Enums']
		: never) = never
> = DefaultSchemaEnumNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
	? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions['schema']]['Enums'][EnumName]
	: DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema['Enums']
		? DefaultSchema['Enums'][DefaultSchemaEnumNameOrOptions]
		: never;

export type CompositeTypes<
	PublicCompositeTypeNameOrOptions extends
		keyof DefaultSchema['CompositeTypes'] | { schema: keyof DatabaseWithoutInternals },
	CompositeTypeName extends (PublicCompositeTypeNameOrOptions extends {
		schema: keyof DatabaseWithoutInternals;
	}
		? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions['schema']]['CompositeTypes']
		: never) = never
> = PublicCompositeTypeNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
	? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions['schema']]['CompositeTypes'][CompositeTypeName]
	: PublicCompositeTypeNameOrOptions extends keyof DefaultSchema['CompositeTypes']
		? DefaultSchema['CompositeTypes'][PublicCompositeTypeNameOrOptions]
		: never;

export const Constants = {
	public: {
		Enums: {
			assignment_kind: ['workout', 'rest', 'note'],
			assignment_status: ['assigned', 'completed', 'skipped'],
			attachment_type: ['image', 'video'],
			load_unit: ['kg', 'lb', 'percent_1rm', 'bodyweight'],
			membership_role: ['owner', 'admin', 'coach', 'member'],
			membership_status: ['active', 'removed'],
			notification_status: ['pending', 'sending', 'sent', 'failed', 'skipped'],
			program_mode: ['coaching', 'feed', 'schedule'],
			sender_role: ['coach', 'member', 'admin'],
			traffic_light: ['overdue', 'at_risk', 'on_track', 'quiet']
		}
	}
} as const;
