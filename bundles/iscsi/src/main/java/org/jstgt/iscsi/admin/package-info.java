/**
 * What an administrator sees of and does to live sessions through the management view: a
 * session in detail ({@code iscsi:session-info}) and its logout on request
 * ({@code iscsi:session-logout}).
 */
package org.jstgt.iscsi.admin;
