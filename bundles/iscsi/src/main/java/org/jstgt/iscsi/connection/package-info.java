/**
 * One TCP connection of the fabric: its pipeline (decoder, encoder, then the login handler that
 * the full feature handler replaces), StatSN, writes flushed once per socket read or per batch of
 * completions, and the lingering close. Shared fabric state ({@code Fabric}) lives here too.
 */
package org.jstgt.iscsi.connection;
