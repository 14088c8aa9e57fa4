/** Text exchange in the Full Feature Phase and discovery (RFC 7143 §6.1, §11.10, §13.3, Appendix C). */
package org.jstgt.iscsi.text;
